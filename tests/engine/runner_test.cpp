// The frame ring on the cpu backend (lavapipe in CI): every sample renders, matches its golden image, and gives the
// same frame sequence whatever the ring size and batch; validation stays silent.

#include "cuvk/compute/builtins.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/engine/frame_loop.hpp"
#include "cuvk/engine/headless_runner.hpp"
#include "cuvk/engine/image_diff.hpp"
#include "cuvk/engine/registry.hpp"
#include "cuvk/engine/target.hpp"
#include "cuvk/render/timestamps.hpp"
#include "support/image_compare.hpp"
#include "support/vk_fixture.hpp"

#include <atomic>
#include <cstring>
#include <gtest/gtest.h>

using namespace cuvk;

namespace {

// Small runs: CI has 2 cores and a software rasterizer.
const std::vector<std::string> kSmall = {"count=65536", "grid=96"};

const engine::Registry& registry() {
    static const auto r = engine::Registry::with_builtins();
    return r;
}

engine::RunInfo small_run(const std::string& name, core::Extent2D extent, std::uint32_t frames) {
    return {.params = engine::resolve_params(registry().desc(name), kSmall, true),
            .backend = engine::Backend::cpu,
            .extent = extent,
            .frames = frames};
}

std::uint64_t fnv1a(const render::Pixels& p) {
    std::uint64_t h = 1469598103934665603ull;
    for (auto b : p.bytes)
        h = (h ^ b) * 1099511628211ull;
    return h;
}

engine::RunResult run(const std::string& name, const engine::RunInfo& info, const render::Context& ctx) {
    return engine::run_headless(ctx, registry().make(name), info);
}

std::string sample_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string n(info.param);
    std::replace(n.begin(), n.end(), '-', '_');
    return n;
}

} // namespace

class SampleRunTest : public test::VulkanTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(SampleRunTest, CpuBackendMatchesTheGoldenImage) {
    if (ctx().device_name().find("llvmpipe") == std::string::npos)
        GTEST_SKIP() << "the goldens were rendered by lavapipe; on " << ctx().device_name()
                     << " the GPU backends are checked against the CPU reference on the same device instead";
    const auto result = run(GetParam(), small_run(GetParam(), {192, 108}, 6), ctx());
    const std::string name = GetParam() + "_192x108";
    // Rasterization and filtering on one driver are deterministic; 2 levels cover rounding in a driver update.
    const auto r = test::compare_with_golden(result.last_frame, CUVK_GOLDEN_DIR "/" + name + ".png", name,
                                             {.per_channel = 2, .max_bad_fraction = 0.001});
    EXPECT_TRUE(r.ok) << r.message;
}

// The ring's order under the cpu backend: every frame of every ring size 1..8, with and without batches, equals
// the frame of a ring of one.
TEST_P(SampleRunTest, RingSizeAndBatchDoNotChangeTheFrames) {
    std::vector<std::uint64_t> reference;
    struct Shape {
        std::uint32_t n, batch;
    };
    std::vector<Shape> shapes;
    for (std::uint32_t n = 1; n <= 8; ++n) {
        shapes.push_back({n, 1});
        if (n > 1)
            shapes.push_back({n, n});
    }
    shapes.push_back({5, 2});
    for (const Shape shape : shapes) {
        auto info = small_run(GetParam(), {97, 61}, 11);
        info.frames_in_flight = shape.n;
        info.batch = shape.batch;
        info.capture_every = 1;
        std::vector<std::uint64_t> hashes, frames;
        info.on_capture = [&](std::uint64_t k, const render::Pixels& p) {
            frames.push_back(k);
            hashes.push_back(fnv1a(p));
        };
        (void)run(GetParam(), info, ctx());
        ASSERT_EQ(hashes.size(), 11u);
        for (std::uint64_t k = 0; k < frames.size(); ++k)
            ASSERT_EQ(frames[k], k) << "captures arrive in frame order";
        if (reference.empty())
            reference = hashes;
        else
            EXPECT_EQ(hashes, reference) << "N=" << shape.n << " batch=" << shape.batch;
    }
    // Frames must actually change, or equal sequences prove nothing.
    EXPECT_NE(reference.front(), reference.back());
}

TEST_P(SampleRunTest, OddSizesWork) {
    const auto result = run(GetParam(), small_run(GetParam(), {1001, 701}, 2), ctx());
    EXPECT_EQ(result.last_frame.extent, (core::Extent2D{1001, 701}));
    EXPECT_GT(result.fps, 0.0);
    EXPECT_EQ(result.simulation.samples, 2u);
}

INSTANTIATE_TEST_SUITE_P(Samples, SampleRunTest, ::testing::ValuesIn(compute::builtin_names()), sample_name);

class RunnerTest : public test::VulkanTest {};

TEST_F(RunnerTest, RingAndBatchLimitsAreUsageErrors) {
    for (auto [n, batch] : {std::pair{0u, 1u}, std::pair{9u, 1u}, std::pair{3u, 4u}, std::pair{3u, 0u}}) {
        auto info = small_run("gray-scott", {64, 64}, 2);
        info.frames_in_flight = n;
        info.batch = batch;
        try {
            (void)run("gray-scott", info, ctx());
            ADD_FAILURE() << "accepted N=" << n << " batch=" << batch;
        } catch (const core::Error& e) {
            EXPECT_TRUE(e.is_usage()) << e.what();
        }
    }
}

TEST_F(RunnerTest, ASizeBeyondTheDeviceLimitNamesTheLimit) {
    try {
        (void)run("fractal", small_run("fractal", {65536, 65536}, 1), ctx());
        FAIL() << "no exception";
    } catch (const core::Error& e) {
        EXPECT_TRUE(e.is_usage());
        EXPECT_NE(e.doing().find("maxImageDimension2D"), std::string::npos) << e.doing();
    }
}

// The --check comparison must be able to fail.
TEST(ImageDiff, FailsBeyondToleranceAndOnASizeMismatch) {
    render::Pixels a{.extent = {8, 8}, .bytes_per_pixel = 4};
    a.bytes.assign(8 * 8 * 4, 100);
    auto b = a;
    EXPECT_TRUE(engine::compare_images(a, b, {}).passed);
    b.bytes[0] = 110;
    const auto d = engine::compare_images(a, b, {.per_channel = 5});
    EXPECT_FALSE(d.passed);
    EXPECT_EQ(d.bad_pixels, 1u);
    EXPECT_EQ(d.max_difference, 10);
    EXPECT_FALSE(d.message.empty());
    EXPECT_TRUE(engine::compare_images(a, b, {.per_channel = 10}).passed);
    EXPECT_TRUE(engine::compare_images(a, b, {.per_channel = 5, .max_bad_fraction = 0.02}).passed);
    render::Pixels c{.extent = {8, 7}, .bytes_per_pixel = 4};
    c.bytes.assign(8 * 7 * 4, 100);
    EXPECT_FALSE(engine::compare_images(a, c, {.per_channel = 255, .max_bad_fraction = 1.0}).passed);
}

TEST(SampleRegistry, ParametersAreCheckedByNameSyntaxAndRange) {
    const auto& spec = registry().desc("gray-scott");
    EXPECT_EQ(engine::resolve_params(spec, {}).size(), spec.params.size());
    const auto& p = spec.params.front();
    const std::string inside = std::string(p.name) + "=" + std::to_string(p.min);
    EXPECT_EQ(engine::resolve_params(spec, {&inside, 1}).front(), p.min);
    for (const std::string& bad :
         {std::string("nope=1"), std::string(p.name) + "=abc", std::string(p.name) + "=",
          std::string(p.name) + "=" + std::to_string(p.max * 2 + 1), std::string("=3"), std::string(p.name)}) {
        try {
            (void)engine::resolve_params(spec, {&bad, 1});
            ADD_FAILURE() << "accepted " << bad;
        } catch (const core::Error& e) {
            EXPECT_TRUE(e.is_usage()) << bad;
        }
    }
    EXPECT_THROW((void)registry().desc("nope"), core::Error);
    const std::string unknown = "nope=1";
    const compute::SimulationDesc* all[] = {&registry().desc("gray-scott"), &registry().desc("fluid")};
    EXPECT_THROW(engine::check_sets_known(all, {&unknown, 1}), core::Error);
}

// A simulation written against the public API only: CPU-only, R32F would need a colormap, so RGBA8 with a pattern
// that depends on the frame, the time and a parameter.
class Stripes final : public compute::Simulation {
public:
    explicit Stripes(bool linear = false) : linear_(linear) {}
    const compute::SimulationDesc& desc() const override { return desc_; }
    std::vector<compute::OutputSpec> outputs(const compute::SimulationInfo& info) const override {
        return {{.kind = compute::OutputKind::image, .extent = info.extent, .linear = linear_}};
    }
    void start(const compute::SimulationInfo& info, compute::CudaStream stream) override {
        ASSERT_EQ(stream, nullptr);
        started_ = info.extent;
    }
    void stop() override { started_ = {}; }
    void step(compute::FrameContext& frame) override {
        const auto& level = frame.output().host_levels[0];
        ASSERT_EQ(level.extent, started_);
        const auto width = std::uint32_t(frame.params[0]);
        for (std::uint32_t y = 0; y < level.extent.height; ++y)
            for (std::uint32_t x = 0; x < level.extent.width; ++x) {
                const std::uint32_t v = ((x + std::uint32_t(frame.frame.value)) / width) % 2 ? 255 : 0;
                const std::uint32_t rgba = v | std::uint32_t(frame.time * 60.0 + 0.5) << 8 | 0xff000000u;
                std::memcpy(level.data + y * level.pitch + x * 4, &rgba, 4);
            }
    }
    static std::uint32_t expected(std::uint32_t x, std::uint64_t frame, std::uint32_t width) {
        return (((x + std::uint32_t(frame)) / width) % 2 ? 255u : 0u) | std::uint32_t(frame) << 8 | 0xff000000u;
    }

private:
    compute::SimulationDesc desc_{.name = "stripes",
                                  .description = "test stripes",
                                  .params = {{.name = "width", .value = 4, .min = 1, .max = 64, .integer = true}},
                                  .has_cuda = false,
                                  .has_cpu = true};
    core::Extent2D started_;
    bool linear_ = false;
};

// A linear image output (rows in a buffer, read by the compositor from it) draws the frames the image output draws,
// texel for texel, at the target's size and scaled.
TEST_F(RunnerTest, ALinearImageOutputDrawsTheSameFrames) {
    for (const core::Extent2D target_extent : {core::Extent2D{40, 4}, core::Extent2D{80, 8}}) {
        std::vector<render::Pixels> frames[2];
        for (const bool linear : {false, true}) {
            engine::FrameRing ring(ctx(), std::make_unique<Stripes>(linear),
                                   {.extent = {40, 4}, .frames_in_flight = 2});
            engine::OffscreenTarget target(
                ctx(),
                {.extent = target_extent,
                 .readbacks = 2,
                 .capture = [](core::FrameIndex) { return true; },
                 .on_capture = [&](core::FrameIndex, render::Pixels&& p) { frames[linear].push_back(std::move(p)); }});
            engine::FrameRing* rings[] = {&ring};
            engine::FrameLoop loop(ctx(), target, rings);
            for (int i = 0; i < 3; ++i)
                loop.advance();
            loop.finish();
        }
        ASSERT_EQ(frames[0].size(), 3u);
        ASSERT_EQ(frames[1].size(), 3u);
        for (std::size_t k = 0; k < 3; ++k) {
            int worst = 0;
            for (std::size_t i = 0; i < frames[0][k].bytes.size(); ++i)
                worst = std::max(worst, std::abs(int(frames[0][k].bytes[i]) - int(frames[1][k].bytes[i])));
            EXPECT_LE(worst, target_extent.width == 40 ? 0 : 1)
                << "frame " << k << " at " << core::to_string(target_extent);
        }
    }
}

TEST_F(RunnerTest, AUserSimulationRunsThroughTheRegistryAndTheRing) {
    auto reg = engine::Registry::with_builtins();
    reg.add([] { return std::make_unique<Stripes>(); });
    EXPECT_THROW(reg.add([] { return std::make_unique<Stripes>(); }), core::Error) << "duplicate names are refused";
    const std::string set = "width=3";
    engine::RunInfo info{.params = engine::resolve_params(reg.desc("stripes"), {&set, 1}),
                         .backend = engine::Backend::cpu,
                         .extent = {40, 8},
                         .frames = 9,
                         .frames_in_flight = 3,
                         .batch = 3,
                         .capture_every = 1};
    std::size_t checked = 0;
    info.on_capture = [&](std::uint64_t k, const render::Pixels& p) {
        for (std::uint32_t x = 0; x < 40; ++x) {
            std::uint32_t got = 0;
            std::memcpy(&got, p.bytes.data() + (5 * 40 + x) * 4, 4);
            ASSERT_EQ(got, Stripes::expected(x, k, 3)) << "frame " << k << " x " << x;
        }
        ++checked;
    };
    (void)engine::run_headless(ctx(), reg.make("stripes"), info);
    EXPECT_EQ(checked, 9u);
    info.backend = engine::Backend::interop;
    try {
        (void)engine::run_headless(ctx(), reg.make("stripes"), info);
        ADD_FAILURE() << "a CPU-only simulation was accepted on a CUDA backend";
    } catch (const core::Error& e) {
        EXPECT_TRUE(e.is_usage()) << e.what();
    }
}

// Two rings, one loop: each pane shows exactly what its simulation shows alone at the pane's size.
TEST_F(RunnerTest, TwoRingsDrawSideBySideIntoOneTarget) {
    const core::Extent2D pane{64, 48};
    const std::vector<std::string> names = {"gray-scott", "waves"};
    std::vector<render::Pixels> alone;
    for (const auto& n : names)
        alone.push_back(run(n, small_run(n, pane, 5), ctx()).last_frame);

    std::vector<std::unique_ptr<engine::FrameRing>> rings;
    std::vector<engine::FrameRing*> ptrs;
    for (const auto& n : names) {
        rings.push_back(std::make_unique<engine::FrameRing>(
            ctx(), registry().make(n),
            engine::RingInfo{.extent = pane, .params = engine::resolve_params(registry().desc(n), kSmall, true)}));
        ptrs.push_back(rings.back().get());
    }
    render::Pixels both;
    engine::OffscreenTarget target(ctx(),
                                   {.extent = {pane.width * 2, pane.height},
                                    .capture = [](core::FrameIndex k) { return k.value == 4; },
                                    .on_capture = [&](core::FrameIndex, render::Pixels&& p) { both = std::move(p); }});
    {
        engine::FrameLoop loop(ctx(), target, ptrs);
        for (int i = 0; i < 5; ++i)
            loop.advance();
        loop.finish();
        EXPECT_EQ(loop.timings()[1].simulation_ms.size(), 5u);
    }
    ASSERT_EQ(both.extent, (core::Extent2D{pane.width * 2, pane.height}));
    for (std::size_t i = 0; i < names.size(); ++i) {
        render::Pixels half{.extent = pane, .bytes_per_pixel = 4};
        for (std::uint32_t y = 0; y < pane.height; ++y) {
            const auto* row = both.bytes.data() + (std::size_t(y) * pane.width * 2 + i * pane.width) * 4;
            half.bytes.insert(half.bytes.end(), row, row + pane.width * 4);
        }
        const auto d = engine::compare_images(half, alone[i], {});
        EXPECT_TRUE(d.passed) << names[i] << ": " << d.message;
    }
    EXPECT_THROW(engine::FrameLoop(ctx(), target, ptrs, {.batch = 2}), core::Error) << "several rings need batch 1";
}

// Every image format a simulation may declare reaches the target: a CPU simulation writes one known colour in
// the given format, and the drawn RGBA8 pixel must be that colour (R32F shown as grey).
class Solid final : public compute::Simulation {
public:
    explicit Solid(compute::PixelFormat format) : format_(format) {}
    const compute::SimulationDesc& desc() const override { return desc_; }
    std::vector<compute::OutputSpec> outputs(const compute::SimulationInfo& info) const override {
        return {{.kind = compute::OutputKind::image, .extent = info.extent, .format = format_, .mip_levels = 2}};
    }
    void start(const compute::SimulationInfo&, compute::CudaStream) override {}
    void stop() override {}
    void step(compute::FrameContext& frame) override {
        const auto bpp = compute::bytes_per_texel(format_);
        ASSERT_EQ(frame.output().host_levels.size(), 2u);
        for (const auto& level : frame.output().host_levels)
            for (std::uint32_t y = 0; y < level.extent.height; ++y)
                for (std::uint32_t x = 0; x < level.extent.width; ++x)
                    std::memcpy(level.data + y * level.pitch + x * bpp, texel().data(), bpp);
    }
    // The format's bytes for RGBA (0.2, 0.4, 0.6, 1.0) (R32F: 0.4).
    std::vector<std::byte> texel() const {
        auto bytes = [](auto... v) { return std::vector<std::byte>{std::byte(v)...}; };
        auto floats = [](std::initializer_list<float> v) {
            std::vector<std::byte> out(v.size() * 4);
            std::memcpy(out.data(), std::data(v), out.size());
            return out;
        };
        switch (format_) {
        case compute::PixelFormat::rgba8:
            return bytes(51, 102, 153, 255);
        case compute::PixelFormat::bgra8:
            return bytes(153, 102, 51, 255);
        case compute::PixelFormat::rgba16f:
            return bytes(0x66, 0x32, 0x66, 0x36, 0xcd, 0x38, 0x00, 0x3c);
        case compute::PixelFormat::rgba32f:
            return floats({0.2f, 0.4f, 0.6f, 1.0f});
        case compute::PixelFormat::r32f:
            return floats({0.4f});
        }
        return {};
    }

private:
    compute::PixelFormat format_;
    compute::SimulationDesc desc_{.name = "solid", .has_cuda = false, .has_cpu = true};
};

TEST_F(RunnerTest, EveryImageFormatIsDrawn) {
    using compute::PixelFormat;
    for (const auto format :
         {PixelFormat::rgba8, PixelFormat::bgra8, PixelFormat::rgba16f, PixelFormat::rgba32f, PixelFormat::r32f}) {
        const auto result = engine::run_headless(ctx(), std::make_unique<Solid>(format),
                                                 {.backend = engine::Backend::cpu, .extent = {16, 8}, .frames = 2});
        const auto* px = result.last_frame.bytes.data() + (3 * 16 + 5) * 4;
        const bool grey = format == PixelFormat::r32f;
        const int expected[4] = {grey ? 102 : 51, 102, grey ? 102 : 153, 255};
        for (int c = 0; c < 4; ++c)
            EXPECT_NEAR(int(px[c]), expected[c], 1) << compute::to_string(format) << " channel " << c;
    }
}

// A simulation with several outputs gets a view of each every frame; the ring draws the one it is told to.
class TwoOutputs final : public compute::Simulation {
public:
    const compute::SimulationDesc& desc() const override { return desc_; }
    std::vector<compute::OutputSpec> outputs(const compute::SimulationInfo& info) const override {
        return {{.extent = info.extent, .format = compute::PixelFormat::rgba8},
                {.extent = {info.extent.width / 2, info.extent.height / 2}, .format = compute::PixelFormat::r32f}};
    }
    void start(const compute::SimulationInfo&, compute::CudaStream) override {}
    void stop() override {}
    void step(compute::FrameContext& frame) override {
        ASSERT_EQ(frame.outputs.size(), 2u);
        const std::uint32_t red = 0xff0000ffu;
        const float half = 0.5f;
        for (int o = 0; o < 2; ++o) {
            const auto& level = frame.output(o).host_levels[0];
            for (std::uint32_t y = 0; y < level.extent.height; ++y)
                for (std::uint32_t x = 0; x < level.extent.width; ++x)
                    std::memcpy(level.data + y * level.pitch + x * 4, o == 0 ? static_cast<const void*>(&red) : &half,
                                4);
        }
    }

private:
    compute::SimulationDesc desc_{.name = "two-outputs", .has_cuda = false, .has_cpu = true};
};

TEST_F(RunnerTest, EveryOutputIsProducedAndTheChosenOneIsDrawn) {
    const std::uint8_t expected[2][3] = {{255, 0, 0}, {128, 128, 128}};
    for (std::size_t shown = 0; shown < 2; ++shown) {
        const auto result = engine::run_headless(
            ctx(), std::make_unique<TwoOutputs>(),
            {.backend = engine::Backend::cpu, .extent = {32, 16}, .frames = 3, .display_output = shown});
        const auto* px = result.last_frame.bytes.data() + (7 * 32 + 9) * 4;
        for (int c = 0; c < 3; ++c)
            EXPECT_NEAR(int(px[c]), int(expected[shown][c]), 1) << "output " << shown << " channel " << c;
    }
    try {
        (void)engine::run_headless(ctx(), std::make_unique<TwoOutputs>(),
                                   {.backend = engine::Backend::cpu, .extent = {32, 16}, .display_output = 2});
        ADD_FAILURE() << "a display output that does not exist was accepted";
    } catch (const core::Error& e) {
        EXPECT_TRUE(e.is_usage()) << e.what();
    }
}

// New parameter values reach the frames produced after set_params(); values out of range are usage errors.
TEST_F(RunnerTest, SetParamsChangesTheFramesThatFollow) {
    engine::FrameRing ring(ctx(), std::make_unique<Stripes>(), {.extent = {40, 4}, .frames_in_flight = 2});
    std::vector<render::Pixels> frames;
    engine::OffscreenTarget target(
        ctx(), {.extent = {40, 4},
                .readbacks = 2,
                .capture = [](core::FrameIndex) { return true; },
                .on_capture = [&](core::FrameIndex, render::Pixels&& p) { frames.push_back(std::move(p)); }});
    engine::FrameRing* rings[] = {&ring};
    engine::FrameLoop loop(ctx(), target, rings);
    loop.advance();
    const float wider[] = {7.0f};
    ring.set_params(wider);
    loop.advance();
    loop.finish();
    ASSERT_EQ(frames.size(), 2u);
    for (std::uint32_t k = 0; k < 2; ++k)
        for (std::uint32_t x = 0; x < 40; ++x) {
            std::uint32_t got = 0;
            std::memcpy(&got, frames[k].bytes.data() + (40 + x) * 4, 4);
            ASSERT_EQ(got, Stripes::expected(x, k, k == 0 ? 4 : 7)) << "frame " << k << " x " << x;
        }
    const float outside[] = {65.0f};
    try {
        ring.set_params(outside);
        ADD_FAILURE() << "a value outside the range was accepted";
    } catch (const core::Error& e) {
        EXPECT_TRUE(e.is_usage()) << e.what();
    }
}

// resize(): the slots are re-created at the new size, the simulation hears of it (on_resize), frames go on.
TEST_F(RunnerTest, ResizeRecreatesTheSlotsAndFramesGoOn) {
    engine::FrameRing ring(ctx(), std::make_unique<Stripes>(), {.extent = {40, 4}, .frames_in_flight = 2});
    std::vector<std::pair<core::FrameIndex, render::Pixels>> frames;
    auto run = [&](core::Extent2D extent, int count) {
        engine::OffscreenTarget target(
            ctx(),
            {.extent = extent,
             .readbacks = 2,
             .capture = [](core::FrameIndex) { return true; },
             .on_capture = [&](core::FrameIndex k, render::Pixels&& p) { frames.emplace_back(k, std::move(p)); }});
        engine::FrameRing* rings[] = {&ring};
        engine::FrameLoop loop(ctx(), target, rings);
        for (int i = 0; i < count; ++i)
            loop.advance();
        loop.finish();
    };
    run({40, 4}, 3);
    ring.resize({24, 6});
    EXPECT_EQ(ring.output().extent, (core::Extent2D{24, 6}));
    run({24, 6}, 3);
    ASSERT_EQ(frames.size(), 6u);
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const auto& [k, p] = frames[i];
        EXPECT_EQ(k.value, i) << "frame numbers go on across the resize";
        const std::uint32_t width = i < 3 ? 40 : 24;
        ASSERT_EQ(p.extent.width, width);
        for (std::uint32_t x = 0; x < width; ++x) {
            std::uint32_t got = 0;
            std::memcpy(&got, p.bytes.data() + (width + x) * 4, 4);
            ASSERT_EQ(got, Stripes::expected(x, k.value, 4)) << "frame " << k.value << " x " << x;
        }
    }
}

// Frames a ring produced ahead of the ones submitted (as a staging ring does under a FrameLoop) are drawn by the next
// loop, in order, and a resize drops them with their slots: the loop after it goes on from the next frame produced.
// A cpu ring is not produced ahead by a loop itself.
TEST_F(RunnerTest, FramesProducedAheadAreDrawnByTheNextLoopOrDroppedByResize) {
    engine::FrameRing ring(ctx(), std::make_unique<Stripes>(), {.extent = {40, 4}, .frames_in_flight = 3});
    std::vector<std::pair<core::FrameIndex, render::Pixels>> frames;
    auto draw = [&](core::Extent2D extent, std::uint32_t count, std::uint64_t first) {
        engine::OffscreenTarget target(
            ctx(),
            {.extent = extent,
             .readbacks = 3,
             .capture = [](core::FrameIndex) { return true; },
             .on_capture = [&](core::FrameIndex k, render::Pixels&& p) { frames.emplace_back(k, std::move(p)); }});
        engine::FrameRing* rings[] = {&ring};
        engine::FrameLoop loop(ctx(), target, rings);
        EXPECT_EQ(loop.lookahead(), 0u) << "a cpu ring gains nothing from frames produced ahead";
        EXPECT_EQ(loop.next_frame().value, first);
        for (std::uint32_t i = 0; i < count; ++i)
            loop.advance();
        loop.finish();
    };
    ring.produce({0});
    ring.produce({1});
    EXPECT_EQ(ring.next_to_submit().value, 0u);
    draw({40, 4}, 3, 0); // frames 0 and 1 as produced before the loop, then 2
    EXPECT_EQ(ring.next_to_submit().value, 3u);
    ring.produce({3});
    ring.resize({24, 4}); // frame 3 lived in a slot that is gone
    EXPECT_EQ(ring.next_frame().value, 4u);
    EXPECT_EQ(ring.next_to_submit().value, 4u);
    draw({24, 4}, 2, 4);
    ASSERT_EQ(frames.size(), 5u);
    const std::uint64_t expected[] = {0, 1, 2, 4, 5};
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const auto& [k, p] = frames[i];
        ASSERT_EQ(k.value, expected[i]);
        for (std::uint32_t x = 0; x < p.extent.width; ++x) {
            std::uint32_t got = 0;
            std::memcpy(&got, p.bytes.data() + (p.extent.width + x) * 4, 4);
            ASSERT_EQ(got, Stripes::expected(x, k.value, 4)) << "frame " << k.value << " x " << x;
        }
    }
}

// A target made without colour-attachment usage takes images and splatted points, and refuses a raster pass with a
// usage error naming the setting.
TEST_F(RunnerTest, AStorageOnlyTargetRefusesRasterPasses) {
    const auto registry = engine::Registry::with_builtins();
    engine::OffscreenTarget target(ctx(), {.extent = {64, 36}, .raster = false});
    engine::FrameRing image(ctx(), registry.make("fill"), {.extent = {64, 36}});
    const std::vector<std::string> few = {"count=1024"};
    engine::FrameRing points(
        ctx(), registry.make("particles"),
        {.extent = {64, 36}, .params = engine::resolve_params(registry.desc("particles"), few, true)});
    {
        engine::FrameRing* rings[] = {&image};
        engine::FrameLoop loop(ctx(), target, rings);
        loop.advance();
        loop.finish();
    }
    {
        engine::FrameRing* rings[] = {&points};
        engine::FrameLoop loop(ctx(), target, rings); // points by splat, the default
        loop.advance();
        loop.finish();
    }
    try {
        engine::FrameRing* rings[] = {&points};
        engine::FrameLoop loop(ctx(), target, rings, {.points = engine::PointsPath::raster});
        ADD_FAILURE() << "points by raster were accepted into a storage-only target";
    } catch (const core::Error& e) {
        EXPECT_TRUE(e.is_usage()) << e.what();
        EXPECT_NE(std::string(e.what()).find("OffscreenTargetInfo::raster"), std::string::npos) << e.what();
    }
}

// capture_last = false (what cuvk-bench runs): nothing is read back, not even the final frame.
TEST_F(RunnerTest, WithoutCaptureLastNothingIsReadBack) {
    const auto registry = engine::Registry::with_builtins();
    int captured = 0;
    const auto result = engine::run_headless(ctx(), registry.make("fill"),
                                             {.backend = engine::Backend::cpu,
                                              .extent = {32, 16},
                                              .frames = 8,
                                              .capture_last = false,
                                              .on_capture = [&](std::uint64_t, const render::Pixels&) { ++captured; }});
    EXPECT_EQ(captured, 0);
    EXPECT_TRUE(result.last_frame.bytes.empty());
    EXPECT_GT(result.fps, 0);
}

// The host spinning on its fences instead of blocking draws the same frames.
TEST_F(RunnerTest, SpinningOnFencesDrawsTheSameFrames) {
    const auto registry = engine::Registry::with_builtins();
    std::vector<render::Pixels> frames[2];
    for (const auto how : {render::HostWait::block, render::HostWait::spin}) {
        engine::RunInfo info{.backend = engine::Backend::cpu,
                             .extent = {48, 27},
                             .frames = 12,
                             .frames_in_flight = 3,
                             .host_wait = how,
                             .capture_every = 1};
        info.on_capture = [&](std::uint64_t, const render::Pixels& p) { frames[int(how)].push_back(p); };
        (void)engine::run_headless(ctx(), registry.make("gray-scott"), info);
    }
    ASSERT_EQ(frames[0].size(), 12u);
    ASSERT_EQ(frames[1].size(), 12u);
    for (std::size_t k = 0; k < 12; ++k)
        EXPECT_EQ(frames[0][k].bytes, frames[1][k].bytes) << "frame " << k;
}

// A stop request ends a run between batches with an interrupted error; nothing is captured.
TEST_F(RunnerTest, AStopRequestEndsTheRunBetweenBatches) {
    std::atomic<bool> stop{true};
    int captured = 0;
    engine::RunInfo info{.backend = engine::Backend::cpu, .extent = {16, 16}, .frames = 50};
    info.stop = &stop;
    info.on_capture = [&](std::uint64_t, const render::Pixels&) { ++captured; };
    try {
        (void)run("gray-scott", info, ctx());
        ADD_FAILURE() << "the run ignored the stop request";
    } catch (const core::Error& e) {
        EXPECT_TRUE(e.is_interrupted()) << e.what();
    }
    EXPECT_EQ(captured, 0);
}

// Particles drawn by the compute splat give the raster path's frames (the whole loop: ring, drawer, barriers, the
// target in GENERAL layout), frame by frame; on lavapipe bit for bit, elsewhere within blending's rounding.
TEST_F(RunnerTest, ParticlesBySplatGiveTheRasterFrames) {
    std::vector<render::Pixels> frames[2];
    for (const auto path : {engine::PointsPath::raster, engine::PointsPath::splat}) {
        auto info = small_run("particles", {160, 96}, 4);
        info.points = path;
        info.capture_every = 1;
        info.on_capture = [&](std::uint64_t, const render::Pixels& p) { frames[int(path)].push_back(p); };
        (void)run("particles", info, ctx());
    }
    ASSERT_EQ(frames[0].size(), 4u);
    ASSERT_EQ(frames[1].size(), 4u);
    const bool lavapipe = ctx().device_name().find("llvmpipe") != std::string::npos;
    for (std::size_t k = 0; k < 4; ++k) {
        const auto d = engine::compare_images(frames[1][k], frames[0][k],
                                              lavapipe ? compute::Tolerance{} : compute::Tolerance{4, 0.001});
        EXPECT_TRUE(d.passed) << "frame " << k << ": " << d.message;
    }
    // The frames show particles at all, and they move: equal blank frames would prove nothing.
    EXPECT_NE(fnv1a(frames[1][0]), fnv1a(frames[1][3]));
    std::size_t lit = 0;
    for (std::size_t i = 0; i < frames[1][3].bytes.size(); i += 4)
        lit += frames[1][3].bytes[i] | frames[1][3].bytes[i + 1] | frames[1][3].bytes[i + 2];
    EXPECT_GT(lit, 100u);
}

// Frame latency (host starting a frame → GPU done drawing it) is measured on one clock: never shorter than the frame's
// own draw, and deeper rings with batches hold frames longer than one frame in flight.
TEST_F(RunnerTest, FrameLatencyCoversTheDrawAndGrowsWithTheRing) {
    auto info = small_run("fill", {320, 180}, 40);
    const auto shallow = run("fill", info, ctx());
    if (shallow.latency.samples == 0)
        GTEST_SKIP() << ctx().device_name() << " offers no calibrated timestamps: no latency measured";
    EXPECT_GE(shallow.latency.p50_ms, shallow.draw.p50_ms);
    EXPECT_LE(shallow.latency.p50_ms, shallow.latency.p99_ms);
    EXPECT_GT(shallow.latency.p50_ms, 0.0);
    info.frames_in_flight = 8;
    info.batch = 8;
    const auto deep = run("fill", info, ctx());
    EXPECT_GT(deep.latency.p50_ms, shallow.latency.p50_ms)
        << "eight frames produced before any is drawn wait longer than one";
}

// One frame in every `every`: exactly one in each group of `every` consecutive frames, and over `every` groups each
// place in the group once; none for 0.
TEST(TimedFrames, OneFrameInEachGroupEachPlaceInTurn) {
    for (std::uint32_t every = 1; every <= 8; ++every) {
        std::vector<int> per_place(every, 0);
        for (std::uint64_t group = 0; group < 3ull * every; ++group) {
            int timed = 0;
            for (std::uint32_t i = 0; i < every; ++i)
                if (engine::timed_frame({group * every + i}, every)) {
                    ++timed;
                    ++per_place[i];
                }
            EXPECT_EQ(timed, 1) << "group " << group << " of " << every;
        }
        for (std::uint32_t i = 0; i < every; ++i)
            EXPECT_EQ(per_place[i], 3) << "place " << i << " of " << every;
    }
    for (std::uint64_t k = 0; k < 64; ++k)
        EXPECT_FALSE(engine::timed_frame({k}, 0));
}

// A loop reads timings for the frames its ring times and for no others; the frames drawn are the same.
TEST_F(RunnerTest, ALoopTimesOnlyTheFramesItsRingTimes) {
    const core::Extent2D size{64, 48};
    const bool has_timestamps = render::Timestamps::create(ctx(), 1, "probe").enabled();
    const bool calibrated = render::Timestamps::create(ctx(), 1, "probe").calibrated();
    constexpr std::uint32_t kFrames = 32;
    std::optional<std::uint64_t> reference;
    // {timed_every, frames timed of 32}: with 3, the groups 0..10 time frames 0, 4, 8, 9, ..., 31 (place g mod 3).
    const std::pair<std::uint32_t, std::size_t> cases[] = {{1, 32}, {4, 8}, {0, 0}, {3, 11}};
    for (const auto& [every, expected] : cases) {
        SCOPED_TRACE("timed_every " + std::to_string(every));
        engine::FrameRing ring(ctx(), registry().make("gray-scott"),
                               {.extent = size,
                                .params = engine::resolve_params(registry().desc("gray-scott"), kSmall, true),
                                .frames_in_flight = 4,
                                .timed_every = every});
        render::Pixels last;
        engine::OffscreenTarget target(
            ctx(), {.extent = size,
                    .capture = [](core::FrameIndex k) { return k.value + 1 == kFrames; },
                    .on_capture = [&](core::FrameIndex, render::Pixels&& p) { last = std::move(p); }});
        engine::FrameRing* rings[] = {&ring};
        engine::FrameLoop loop(ctx(), target, rings, {.batch = 4});
        for (std::uint32_t i = 0; i < kFrames / 4; ++i)
            loop.advance(4);
        loop.finish();
        const auto& t = loop.timings().front();
        EXPECT_EQ(t.simulation_ms.size(), expected);
        EXPECT_EQ(t.draw_ms.size(), has_timestamps ? expected : 0u);
        EXPECT_EQ(t.latency_ms.size(), has_timestamps && calibrated ? expected : 0u);
        ASSERT_FALSE(last.bytes.empty());
        if (!reference)
            reference = fnv1a(last);
        EXPECT_EQ(fnv1a(last), *reference) << "timing changed what was drawn";
    }
}

// A measurement restarted after a warm-up leaves out the warm-up's frames, also those that retire after the restart.
TEST_F(RunnerTest, RestartedTimingsLeaveOutFramesSubmittedBefore) {
    const core::Extent2D size{64, 48};
    engine::FrameRing ring(ctx(), registry().make("gray-scott"),
                           {.extent = size,
                            .params = engine::resolve_params(registry().desc("gray-scott"), kSmall, true),
                            .frames_in_flight = 4});
    engine::OffscreenTarget target(ctx(), {.extent = size});
    engine::FrameRing* rings[] = {&ring};
    engine::FrameLoop loop(ctx(), target, rings, {.batch = 4});
    loop.advance(4); // frames 0..3: submitted, and retired only while the next ones are recorded
    loop.restart_timings();
    for (int i = 0; i < 3; ++i)
        loop.advance(4);
    loop.finish();
    EXPECT_EQ(loop.timings().front().simulation_ms.size(), 12u) << "frames 4..15 and nothing of frames 0..3";
}
