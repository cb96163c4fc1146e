// Bad inputs to sharing on this driver (lavapipe in CI): an empty fd, a closed fd, an fd that is not memory (imported
// in a second process, cuvk-stress --import-child: invalid usage for Vulkan) and a CUDA device of another UUID are each
// refused with one clear core::Error, and a normal import works right after.
// Without a CUDA device the CUDA faults are reported as not tried, with the reason. A FaultCheck that was accepted, or
// that left imports broken, counts as failed.

#include "cuvk/interop/faults.hpp"
#include "support/vk_fixture.hpp"

#include <gtest/gtest.h>
#include <iostream>

using namespace cuvk;

class FaultsTest : public test::VulkanTest {};

TEST_F(FaultsTest, EveryBadInputIsRefusedAndImportsGoOn) {
    auto second = test::make_test_context("faults-second");
    const auto report = interop::run_fault_checks(ctx(), *second, nullptr, CUVK_STRESS_PATH);
    std::cout << report.describe();
    ASSERT_GE(report.checks.size(), 5u);
    EXPECT_EQ(report.failed(), 0u) << report.describe();
    EXPECT_EQ(report.caught(), 4u) << report.describe();
    for (const auto& c : report.checks) {
        EXPECT_FALSE(c.message.empty()) << c.name;
        if (c.tried) {
            EXPECT_TRUE(c.caught && c.recovered) << c.name << ": " << c.message;
        }
    }
    EXPECT_NE(report.describe().find("is not open"), std::string::npos) << report.describe(); // the closed fd
    EXPECT_NE(report.describe().find("in a second process: vkAllocateMemory("), std::string::npos)
        << report.describe();                 // the driver's own refusal, named
    (void)second->take_validation_messages(); // the invalid imports are invalid on purpose
}

TEST(FaultReport, AnAcceptedFaultOrALostRecoveryFails) {
    interop::FaultReport report;
    report.checks.push_back({.name = "refused", .caught = true, .recovered = true, .message = "error"});
    report.checks.push_back({.name = "accepted", .caught = false, .recovered = true, .message = "accepted"});
    report.checks.push_back({.name = "broken after", .caught = true, .recovered = false, .message = "error"});
    report.checks.push_back({.name = "not here", .tried = false, .message = "one GPU"});
    EXPECT_EQ(report.failed(), 2u);
    EXPECT_EQ(report.caught(), 2u);
    EXPECT_NE(report.describe().find("FAILED  accepted"), std::string::npos) << report.describe();
}
