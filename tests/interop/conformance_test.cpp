// The Vulkan half of the conformance matrix on this driver: every check has an outcome, memory sharing works for
// every shared format (lavapipe exports and imports memory fds), and a driver without exportable semaphores (lavapipe)
// says so, naming the extension, rather than skipping the check (export, and temporary and permanent imports).

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
