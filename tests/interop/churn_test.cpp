// Lifecycle churn on this driver (lavapipe in CI: exported into a second Vulkan device): export/import/destroy
// cycles, every 16th a failing import refused with an error, leave open fds and resident memory flat. The checker can
// fail: a run that keeps an fd open per cycle is reported as leaking exactly those fds.

#include "cuvk/interop/churn.hpp"
#include "support/vk_fixture.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <iostream>
#include <unistd.h>
#include <vector>

using namespace cuvk;

class ChurnTest : public test::VulkanTest {};

TEST_F(ChurnTest, CyclesLeaveFdsAndMemoryFlat) {
    auto second = test::make_test_context("churn-second");
    const auto report = interop::run_churn(ctx(), *second, nullptr, 320);
    std::cout << report.describe() << "\n";
    EXPECT_EQ(report.cycles, 320u);
    EXPECT_EQ(report.failing_imports, 20u); // every 16th cycle
    EXPECT_EQ(report.import_target, "a second Vulkan device");
    EXPECT_GT(report.before.fds, 0);
    EXPECT_GT(report.before.rss_bytes, 0);
    EXPECT_EQ(report.leaked_fds(), 0) << report.describe();
    EXPECT_EQ(report.leaked_bytes(), 0) << report.describe();
    (void)second->take_validation_messages(); // the failing imports are invalid on purpose
}

TEST_F(ChurnTest, AnFdKeptOpenPerCycleIsReportedAsALeak) {
    auto second = test::make_test_context("churn-second");
    std::vector<int> kept;
    const auto report = interop::run_churn(ctx(), *second, nullptr, 40, [&] {
        kept.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC)); // a leak the churn must see
        return false;
    });
    for (int fd : kept)
        ::close(fd);
    EXPECT_EQ(report.leaked_fds(), 40) << report.describe();
    (void)second->take_validation_messages();
}
