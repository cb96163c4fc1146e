// One-channel (R32F) outputs through the compositor's colour map, as the viewer shows them: a CPU simulation writes
// a horizontal ramp from -3 to 5; with the automatic range (found on the GPU each frame by range.comp) the left edge
// shows the map's first stop and the right edge its last; with a fixed range of [0, 1] everything below 0 shows the
// first stop and everything above 1 the last; without a view (the gallery) the ramp is grey, clamped to [0, 1].

#include "cuvk/engine/frame_loop.hpp"
#include "cuvk/engine/target.hpp"
#include "support/vk_fixture.hpp"

#include <cstring>
#include <gtest/gtest.h>

using namespace cuvk;

namespace {

constexpr core::Extent2D kExtent{128, 32};
constexpr float kLow = -3.0f, kHigh = 5.0f;

// x = 0 .. w-1 maps to kLow .. kHigh, the same in every row.
class Ramp final : public compute::Simulation {
public:
    const compute::SimulationDesc& desc() const override { return desc_; }
    std::vector<compute::OutputSpec> outputs(const compute::SimulationInfo& info) const override {
        return {{.kind = compute::OutputKind::image, .extent = info.extent, .format = compute::PixelFormat::r32f}};
    }
    void start(const compute::SimulationInfo&, compute::CudaStream) override {}
    void step(compute::FrameContext& frame) override {
        const auto& level = frame.output().host_levels[0];
        for (std::uint32_t y = 0; y < level.extent.height; ++y)
            for (std::uint32_t x = 0; x < level.extent.width; ++x) {
                const float v = kLow + (kHigh - kLow) * float(x) / float(level.extent.width - 1);
                std::memcpy(level.data + y * level.pitch + x * sizeof(float), &v, sizeof v);
            }
    }
    void stop() override {}

private:
    compute::SimulationDesc desc_{.name = "ramp", .description = "a ramp", .has_cuda = false, .has_cpu = true};
};

struct Rgb {
    int r, g, b;
};

Rgb at(const render::Pixels& p, std::uint32_t x) {
    const std::size_t i = (std::size_t(kExtent.height / 2) * p.extent.width + x) * 4;
    return {p.bytes[i], p.bytes[i + 1], p.bytes[i + 2]};
}

void expect_near(Rgb got, Rgb want, const char* where) {
    EXPECT_NEAR(got.r, want.r, 3) << where;
    EXPECT_NEAR(got.g, want.g, 3) << where;
    EXPECT_NEAR(got.b, want.b, 3) << where;
}

// The map's first, middle and last stops (shaders/composite.comp) as RGBA8.
constexpr Rgb kFirst{68, 1, 84}, kMiddle{33, 145, 140}, kLast{253, 231, 37};

} // namespace

class ColourMapTest : public test::VulkanTest {
protected:
    render::Pixels frame(std::optional<engine::PaneView> view) {
        engine::FrameRing ring(ctx(), std::make_unique<Ramp>(),
                               {.backend = engine::Backend::cpu, .extent = kExtent, .frames_in_flight = 2});
        render::Pixels got;
        engine::OffscreenTarget target(
            ctx(), {.extent = kExtent,
                    .capture = [](core::FrameIndex k) { return k.value == 2; },
                    .on_capture = [&](core::FrameIndex, render::Pixels&& p) { got = std::move(p); }});
        engine::FrameRing* rings[] = {&ring};
        engine::FrameLoop loop(ctx(), target, rings);
        loop.set_view(0, view);
        for (int k = 0; k < 3; ++k)
            loop.advance(1);
        loop.finish();
        return got;
    }
};

TEST_F(ColourMapTest, TheAutomaticRangeSpansTheMap) {
    const auto p = frame(engine::PaneView{.scalar = render::ColorMode::map_auto});
    ASSERT_EQ(p.extent, kExtent);
    expect_near(at(p, 0), kFirst, "left edge: the smallest value");
    expect_near(at(p, kExtent.width - 1), kLast, "right edge: the largest value");
    // The middle stop lies at t = 0.5, i.e. value 1, at x = (1 - kLow) / (kHigh - kLow) * (w - 1) = 63.5.
    const Rgb a = at(p, 63), b = at(p, 64);
    expect_near({(a.r + b.r) / 2, (a.g + b.g) / 2, (a.b + b.b) / 2}, kMiddle, "value 1: the middle stop");
}

TEST_F(ColourMapTest, AFixedRangeClampsOutsideIt) {
    const auto p = frame(engine::PaneView{.scalar = render::ColorMode::map_fixed, .range = {0.0f, 1.0f}});
    expect_near(at(p, 10), kFirst, "value -2.4: below the range");
    expect_near(at(p, 100), kLast, "value 3.3: above the range");
    // A check that can fail: the automatic range would show value 3.3 short of the last stop.
    const auto automatic = frame(engine::PaneView{.scalar = render::ColorMode::map_auto});
    const Rgb a = at(automatic, 100);
    EXPECT_GT(std::abs(a.r - kLast.r) + std::abs(a.g - kLast.g) + std::abs(a.b - kLast.b), 30);
}

TEST_F(ColourMapTest, WithoutAViewTheRampIsGrey) {
    const auto p = frame(std::nullopt);
    expect_near(at(p, 10), {0, 0, 0}, "below 0: black");
    expect_near(at(p, 100), {255, 255, 255}, "above 1: white");
    const Rgb mid = at(p, 56); // value 0.53
    EXPECT_EQ(mid.r, mid.g);
    EXPECT_EQ(mid.g, mid.b);
}

// Pan and zoom (the viewer's mouse wheel and drag): zoomed in 2x on the left half, the pane's right edge shows the
// ramp's middle (value 1, the map's middle stop); zoomed out 2x, the margins outside the source are dark.
TEST_F(ColourMapTest, PanAndZoomShowTheChosenPart) {
    const auto in =
        frame(engine::PaneView{.zoom = 2.0f, .center = {0.25f, 0.5f}, .scalar = render::ColorMode::map_auto});
    expect_near(at(in, 0), kFirst, "zoomed in: the left edge is still the smallest value");
    const Rgb edge = at(in, kExtent.width - 1);
    EXPECT_NEAR(edge.g, kMiddle.g, 8) << "zoomed in: the right edge shows the middle of the ramp";
    EXPECT_NEAR(edge.b, kMiddle.b, 8);
    const auto out = frame(engine::PaneView{.zoom = 0.5f, .scalar = render::ColorMode::map_auto});
    expect_near(at(out, 2), {15, 15, 18}, "zoomed out: outside the source");
    expect_near(at(out, kExtent.width / 4), kFirst, "zoomed out: the source's left edge moved to a quarter");
}
