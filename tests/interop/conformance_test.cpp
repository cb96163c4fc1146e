// The Vulkan half of the conformance matrix on this driver: every check has an outcome, memory sharing works for
// every shared format (lavapipe exports and imports memory fds), and a driver without exportable semaphores (lavapipe)
// says so, naming the extension, rather than skipping the check (export, and temporary and permanent imports).

#include "cuda_checks.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/interop/conformance.hpp"
#include "cuvk/interop/exported_semaphore.hpp"
#include "support/vk_fixture.hpp"

#include <gtest/gtest.h>
#include <iostream>

using namespace cuvk;

class ConformanceTest : public test::VulkanTest {};

TEST_F(ConformanceTest, EveryCheckHasAnOutcomeAndMemorySharingWorks) {
    auto second = test::make_test_context("conformance-second");
    const auto report = interop::run_vulkan_conformance(ctx(), *second);
    std::cout << report.describe();
    EXPECT_EQ(report.checks.size(), 3u + 5u + 2u + 3u) << report.describe();
    EXPECT_EQ(report.count(interop::Conformance::failed), 0u) << report.describe();
    for (const auto& c : report.checks) {
        if (c.name.rfind("memory:", 0) == 0) {
            EXPECT_EQ(c.outcome, interop::Conformance::supported) << c.name << ": " << c.detail;
        }
        if (c.outcome != interop::Conformance::supported) {
            EXPECT_FALSE(c.detail.empty()) << c.name << " gives no reason";
        }
    }
    const bool semaphores = interop::semaphore_export_support(ctx(), interop::SemaphoreKind::timeline).empty();
    if (!semaphores) {
        EXPECT_EQ(report.count(interop::Conformance::not_supported), 5u) << report.describe();
        EXPECT_NE(report.describe().find("VK_KHR_external_semaphore_fd"), std::string::npos) << report.describe();
    }
    second->wait_idle();
    const auto messages = second->take_validation_messages();
    EXPECT_TRUE(messages.empty()) << "second device:\n" << test::format_messages(messages);
}

// The matrix's checker can fail: a check that finds a difference, or whose call fails, is reported failed with what
// happened; only an empty answer is "supported".
TEST(ConformanceCheck, ADifferenceOrAFailedCallIsReportedFailed) {
    const auto differs = interop::detail::run_check("differs", [] { return std::string("bytes differ at 12"); });
    EXPECT_EQ(differs.outcome, interop::Conformance::failed);
    EXPECT_EQ(differs.detail, "bytes differ at 12");
    const auto throws = interop::detail::run_check("throws", []() -> std::string { core::fail("no memory", "obj"); });
    EXPECT_EQ(throws.outcome, interop::Conformance::failed);
    EXPECT_NE(throws.detail.find("no memory"), std::string::npos) << throws.detail;
    EXPECT_EQ(interop::detail::run_check("fine", [] { return std::string(); }).outcome,
              interop::Conformance::supported);
    interop::ConformanceReport report;
    report.checks = {differs, throws};
    EXPECT_EQ(report.count(interop::Conformance::failed), 2u);
    EXPECT_NE(report.describe().find("FAILED  differs: bytes differ at 12"), std::string::npos) << report.describe();
}
