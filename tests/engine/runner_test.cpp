// The frame ring on the cpu backend (lavapipe in CI): every sample renders, matches its golden image, and gives the
// same frame sequence whatever the ring size and batch; validation stays silent.

#include "core/error.hpp"
#include "engine/headless_runner.hpp"
#include "engine/image_diff.hpp"
#include "engine/sample_registry.hpp"
#include "support/image_compare.hpp"
#include "support/vk_fixture.hpp"

#include <gtest/gtest.h>

using namespace cuvk;

namespace {

// Small runs: CI has 2 cores and a software rasterizer.
const std::vector<std::string> kSmall = {"count=65536", "grid=96"};

engine::RunInfo small_run(const compute::SampleSpec& spec, core::Extent2D extent, std::uint32_t frames) {
    return {.sample = &spec,
            .params = engine::resolve_params(spec, kSmall, true),
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

std::string sample_name(const ::testing::TestParamInfo<const compute::SampleSpec*>& info) {
    std::string n(info.param->name);
    std::replace(n.begin(), n.end(), '-', '_');
    return n;
}

} // namespace

class SampleRunTest : public test::VulkanTest, public ::testing::WithParamInterface<const compute::SampleSpec*> {};

TEST_P(SampleRunTest, CpuBackendMatchesTheGoldenImage) {
    if (ctx().device_name().find("llvmpipe") == std::string::npos)
        GTEST_SKIP() << "the goldens were rendered by lavapipe; on " << ctx().device_name()
                     << " the GPU backends are checked against the CPU reference on the same device instead";
    const auto& spec = *GetParam();
    const auto result = engine::run_headless(ctx(), small_run(spec, {192, 108}, 6));
    const std::string name = std::string(spec.name) + "_192x108";
    // Rasterization and filtering on one driver are deterministic; 2 levels cover rounding in a driver update.
    const auto r = test::compare_with_golden(result.last_frame, CUVK_GOLDEN_DIR "/" + name + ".png", name,
                                             {.per_channel = 2, .max_bad_fraction = 0.001});
    EXPECT_TRUE(r.ok) << r.message;
}

TEST_P(SampleRunTest, RingSizeAndBatchDoNotChangeTheFrames) {
    const auto& spec = *GetParam();
    std::vector<std::uint64_t> reference;
    struct Shape {
        std::uint32_t n, batch;
    };
    for (const Shape shape : {Shape{1, 1}, Shape{2, 1}, Shape{3, 1}, Shape{4, 1}, Shape{4, 2}, Shape{3, 3}}) {
        auto run = small_run(spec, {97, 61}, 7);
        run.frames_in_flight = shape.n;
        run.batch = shape.batch;
        run.capture_every = 1;
        std::vector<std::uint64_t> hashes;
        run.on_capture = [&](std::uint64_t, const render::Pixels& p) { hashes.push_back(fnv1a(p)); };
        (void)engine::run_headless(ctx(), run);
        ASSERT_EQ(hashes.size(), 7u);
        if (reference.empty())
            reference = hashes;
        else
            EXPECT_EQ(hashes, reference) << "N=" << shape.n << " batch=" << shape.batch;
    }
    // Frames must actually change, or equal sequences prove nothing.
    EXPECT_NE(reference.front(), reference.back());
}

TEST_P(SampleRunTest, OddSizesWork) {
    const auto result = engine::run_headless(ctx(), small_run(*GetParam(), {1001, 701}, 2));
    EXPECT_EQ(result.last_frame.extent, (core::Extent2D{1001, 701}));
    EXPECT_GT(result.fps, 0.0);
    EXPECT_EQ(result.simulation.samples, 2u);
}

INSTANTIATE_TEST_SUITE_P(Samples, SampleRunTest, ::testing::ValuesIn(engine::all_samples().begin(),
                                                                     engine::all_samples().end()),
                         sample_name);

class RunnerTest : public test::VulkanTest {};

TEST_F(RunnerTest, RingAndBatchLimitsAreUsageErrors) {
    const auto& spec = engine::find_sample("gray-scott");
    for (auto [n, batch] : {std::pair{0u, 1u}, std::pair{9u, 1u}, std::pair{3u, 4u}, std::pair{3u, 0u}}) {
        auto run = small_run(spec, {64, 64}, 2);
        run.frames_in_flight = n;
        run.batch = batch;
        try {
            (void)engine::run_headless(ctx(), run);
            ADD_FAILURE() << "accepted N=" << n << " batch=" << batch;
        } catch (const core::Error& e) {
            EXPECT_TRUE(e.is_usage()) << e.what();
        }
    }
}

TEST_F(RunnerTest, ASizeBeyondTheDeviceLimitNamesTheLimit) {
    auto run = small_run(engine::find_sample("fractal"), {65536, 65536}, 1);
    try {
        (void)engine::run_headless(ctx(), run);
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
    const auto& spec = engine::find_sample("gray-scott");
    EXPECT_EQ(engine::resolve_params(spec, {}).size(), spec.params.size());
    const auto& p = spec.params.front();
    const std::string inside = std::string(p.name) + "=" + std::to_string(p.min);
    EXPECT_EQ(engine::resolve_params(spec, {&inside, 1}).front(), p.min);
    for (const std::string& bad : {std::string("nope=1"), std::string(p.name) + "=abc", std::string(p.name) + "=",
                                  std::string(p.name) + "=" + std::to_string(p.max * 2 + 1), std::string("=3"),
                                  std::string(p.name)}) {
        try {
            (void)engine::resolve_params(spec, {&bad, 1});
            ADD_FAILURE() << "accepted " << bad;
        } catch (const core::Error& e) {
            EXPECT_TRUE(e.is_usage()) << bad;
        }
    }
    EXPECT_THROW((void)engine::find_sample("nope"), core::Error);
    const std::string unknown = "nope=1";
    EXPECT_THROW(engine::check_sets_known(engine::all_samples(), {&unknown, 1}), core::Error);
}
