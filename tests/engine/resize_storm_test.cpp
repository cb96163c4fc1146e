// A running ring resized again and again (cuvk-stress's resize storm) on the cpu backend, with the validation layer
// on: every size draws its frames, and open fds and resident memory end where they started after the warm-up.

#include "cuvk/engine/resize_storm.hpp"
#include "support/vk_fixture.hpp"

#include <gtest/gtest.h>
#include <iostream>

using namespace cuvk;

class ResizeStormTest : public test::VulkanTest {};

TEST_F(ResizeStormTest, ARunningRingResizedLeavesResourcesFlat) {
    const auto report = engine::run_resize_storm(ctx(), nullptr, {.resizes = 30, .frames_per_size = 3, .seed = 9});
    std::cout << report.describe() << "\n";
    EXPECT_EQ(report.resizes, 30u);
    EXPECT_EQ(report.frames, 90u);
    EXPECT_EQ(report.backend, "cpu");
    EXPECT_EQ(report.leaked_fds(), 0) << report.describe();
    EXPECT_EQ(report.leaked_bytes(), 0) << report.describe();
}
