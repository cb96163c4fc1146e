// A ring replaced while its neighbour runs on — what the viewer does when a pane's sample, backend or seed changes:
// the new ring starts at its frame 0 and joins a FrameLoop with a ring at frame 6. Every captured frame is compared,
// pane by pane, with runs that never switched: the neighbour's pane goes on exactly as if nothing happened, the new
// ring's pane shows a fresh run from its first frame. On the cpu backend in CI; on a GPU whose CUDA device matches,
// also interop → staging (the backend switch of the viewer's panel), against the CPU reference within tolerance.

#include "cuvk/engine/frame_loop.hpp"
#include "cuvk/engine/image_diff.hpp"
#include "cuvk/engine/registry.hpp"
#include "cuvk/engine/target.hpp"
#include "support/vk_fixture.hpp"

#include <gtest/gtest.h>

using namespace cuvk;

namespace {

constexpr core::Extent2D kTarget{256, 96}; // two panes of 128x96
constexpr core::Extent2D kSim{128, 96};
constexpr std::uint32_t kFrames = 6; // before and after the switch

struct Case {
    std::string label;
    engine::Backend before, after; // pane 2's backend before and after the switch (pane 1 keeps `before`)
};

void PrintTo(const Case& c, std::ostream* os) {
    *os << c.label;
}

const engine::Registry& registry() {
    static const auto r = engine::Registry::with_builtins();
    return r;
}

std::unique_ptr<engine::FrameRing> ring(const render::Context& ctx, engine::Backend backend, std::uint32_t seed) {
    return std::make_unique<engine::FrameRing>(ctx, registry().make("gray-scott"),
                                               engine::RingInfo{.backend = backend,
                                                                .extent = kSim,
                                                                .frames_in_flight = 3,
                                                                .seed = seed,
                                                                .name = "pane-" + std::to_string(seed)});
}

// Pane `i` (of two, side by side) of a captured frame.
render::Pixels pane(const render::Pixels& frame, std::size_t i) {
    const VkRect2D r = engine::FrameLoop::pane_rect(kTarget, 2, i);
    render::Pixels out{.extent = {r.extent.width, r.extent.height}, .bytes_per_pixel = 4};
    for (std::uint32_t y = 0; y < r.extent.height; ++y) {
        const auto* row = frame.bytes.data() + (std::size_t(r.offset.y + y) * frame.extent.width + r.offset.x) * 4;
        out.bytes.insert(out.bytes.end(), row, row + r.extent.width * 4);
    }
    return out;
}

// Runs `frames` frames of the two rings through one loop into a fresh target; returns every frame.
std::vector<render::Pixels> run(const render::Context& ctx, engine::FrameRing& a, engine::FrameRing& b,
                                std::uint32_t frames) {
    std::vector<render::Pixels> got;
    engine::OffscreenTarget target(
        ctx, {.extent = kTarget,
              .readbacks = 3,
              .capture = [](core::FrameIndex) { return true; },
              .on_capture = [&](core::FrameIndex, render::Pixels&& p) { got.push_back(std::move(p)); }});
    engine::FrameRing* rings[] = {&a, &b};
    engine::FrameLoop loop(ctx, target, rings);
    for (std::uint32_t k = 0; k < frames; ++k)
        loop.advance(1);
    loop.finish();
    return got;
}

} // namespace

class PaneSwitchTest : public test::VulkanTest, public ::testing::WithParamInterface<Case> {};

TEST_P(PaneSwitchTest, TheNeighbourGoesOnAndTheNewRingStartsFresh) {
    const Case& c = GetParam();
    if (c.before != engine::Backend::cpu || c.after != engine::Backend::cpu)
        if (auto why = test::interop_skip_reason(ctx()); !why.empty())
            GTEST_SKIP() << "interop unavailable: " << why;

    // The switch: pane 1 (seed 1) runs throughout; pane 2 (seed 2) is replaced by a new ring (seed 3, `after`).
    auto a = ring(ctx(), c.before, 1);
    auto b = ring(ctx(), c.before, 2);
    auto first = run(ctx(), *a, *b, kFrames);
    b.reset();
    auto b2 = ring(ctx(), c.after, 3);
    const auto second = run(ctx(), *a, *b2, kFrames);
    ASSERT_EQ(first.size(), kFrames);
    ASSERT_EQ(second.size(), kFrames);
    // Frames drawn; a staging ring has produced up to N - 1 beyond them (FrameRing::produces_ahead).
    EXPECT_EQ(a->next_to_submit().value, 2 * kFrames);
    EXPECT_EQ(b2->next_to_submit().value, kFrames);
    for (const auto* r : {a.get(), b2.get()})
        EXPECT_LT(r->next_frame().value - r->next_to_submit().value, r->size()) << r->name();

    // References on the cpu backend, never switched: pane 1 for 2 * kFrames frames; a fresh seed-3 ring for kFrames.
    auto ref_a = ring(ctx(), engine::Backend::cpu, 1);
    auto ref_b = ring(ctx(), engine::Backend::cpu, 2);
    const auto continuous = run(ctx(), *ref_a, *ref_b, 2 * kFrames);
    auto ref_x = ring(ctx(), engine::Backend::cpu, 4);
    auto ref_b2 = ring(ctx(), engine::Backend::cpu, 3);
    const auto fresh = run(ctx(), *ref_x, *ref_b2, kFrames);

    const compute::Tolerance tolerance = registry().desc("gray-scott").tolerance;
    for (std::uint32_t k = 0; k < kFrames; ++k) {
        const auto before = engine::compare_images(pane(first[k], 0), pane(continuous[k], 0), tolerance);
        EXPECT_TRUE(before.passed) << "pane 1, frame " << k << ": " << before.message;
        const auto after = engine::compare_images(pane(second[k], 0), pane(continuous[kFrames + k], 0), tolerance);
        EXPECT_TRUE(after.passed) << "pane 1, frame " << kFrames + k << " (after the switch): " << after.message;
        const auto joined = engine::compare_images(pane(second[k], 1), pane(fresh[k], 1), tolerance);
        EXPECT_TRUE(joined.passed) << "pane 2, new ring's frame " << k << ": " << joined.message;
    }
    // The comparison sees the switch: the new ring's first frame is not what the old one would have shown.
    EXPECT_FALSE(engine::compare_images(pane(second[0], 1), pane(continuous[kFrames], 1), {}).passed);
}

INSTANTIATE_TEST_SUITE_P(
    Backends, PaneSwitchTest,
    ::testing::Values(Case{"cpu", engine::Backend::cpu, engine::Backend::cpu},
                      Case{"interop_to_staging", engine::Backend::interop, engine::Backend::staging},
                      Case{"staging_to_interop", engine::Backend::staging, engine::Backend::interop}),
    [](const auto& info) { return info.param.label; });
