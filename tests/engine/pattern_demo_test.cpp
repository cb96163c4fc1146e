#include "core/error.hpp"
#include "engine/pattern_demo.hpp"
#include "interop/extensions.hpp"
#include "interop/probe.hpp"
#include "render/readback.hpp"
#include "support/image_compare.hpp"
#include "support/vk_fixture.hpp"

#include <filesystem>
#include <gtest/gtest.h>

using namespace cuvk;

namespace {
std::string out_dir(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("cuvk-demo-" + name)).string();
}
} // namespace

TEST(PatternDemo, CpuBackendMatchesTheReferenceAndTheGoldenImage) {
    const auto result = engine::run_pattern_demo({.backend = engine::Backend::cpu,
                                                  .extent = {320, 180},
                                                  .frame = 2,
                                                  .out_dir = out_dir("cpu"),
                                                  .validation = true});
    EXPECT_EQ(result.backend, engine::Backend::cpu);
    EXPECT_EQ(result.mismatched_pixels, 0u);
    EXPECT_EQ(result.validation_messages, 0u);
    const auto pixels = render::read_png(result.png_path);
    const auto r = test::compare_with_golden(pixels, CUVK_GOLDEN_DIR "/pattern_320x180.png", "pattern_320x180", {});
    EXPECT_TRUE(r.ok) << r.message;
}

TEST(PatternDemo, OddSizesWork) {
    const auto result = engine::run_pattern_demo(
        {.backend = engine::Backend::cpu, .extent = {1001, 701}, .out_dir = out_dir("odd"), .validation = true});
    EXPECT_EQ(result.mismatched_pixels, 0u);
    EXPECT_EQ(result.validation_messages, 0u);
}

TEST(PatternDemo, InteropBackendMatchesTheReferenceOnAMatchingGpu) {
    {
        const auto ctx = test::make_test_context();
        if (auto why = test::interop_skip_reason(*ctx); !why.empty())
            GTEST_SKIP() << "interop unavailable: " << why;
    }
    for (const core::Extent2D extent : {core::Extent2D{1920, 1080}, core::Extent2D{1001, 701}}) {
        const auto result = engine::run_pattern_demo({.backend = engine::Backend::automatic,
                                                      .extent = extent,
                                                      .frame = 4,
                                                      .out_dir = out_dir("interop"),
                                                      .validation = true});
        EXPECT_EQ(result.backend, engine::Backend::interop) << result.backend_reason;
        EXPECT_EQ(result.mismatched_pixels, 0u) << core::to_string(extent);
        EXPECT_EQ(result.validation_messages, 0u);
    }
}

TEST(PatternDemo, ASizeBeyondTheDeviceLimitFailsBeforeAllocatingAndNamesTheLimit) {
    try {
        (void)engine::run_pattern_demo(
            {.backend = engine::Backend::cpu, .extent = {65536, 65536}, .out_dir = out_dir("huge")});
        FAIL() << "no exception";
    } catch (const core::Error& e) {
        EXPECT_TRUE(e.is_usage());
        EXPECT_NE(e.doing().find("maxImageDimension2D"), std::string::npos) << e.doing();
    }
    EXPECT_FALSE(std::filesystem::exists(out_dir("huge") + "/pattern.png"));
}
