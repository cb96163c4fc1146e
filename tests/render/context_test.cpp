#include "cuvk/core/error.hpp"
#include "cuvk/render/buffer.hpp"
#include "cuvk/render/commands.hpp"
#include "support/vk_fixture.hpp"

#include <algorithm>
#include <gtest/gtest.h>

using namespace cuvk;

class ContextTest : public test::VulkanTest {};

TEST_F(ContextTest, CreatesWithValidationAndAUniversalQueue) {
    EXPECT_TRUE(ctx().validation_enabled());
    EXPECT_NE(ctx().device(), VK_NULL_HANDLE);
    EXPECT_NE(ctx().queue(), VK_NULL_HANDLE);
    EXPECT_FALSE(ctx().device_name().empty());
    const auto& uuid = ctx().device_uuid();
    EXPECT_TRUE(std::any_of(uuid.begin(), uuid.end(), [](auto b) { return b != 0; })) << "deviceUUID is all zero";
    EXPECT_TRUE(ctx().has_device_extension(VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME));
}

// The canary: a deliberately missing barrier (a transfer read right after a transfer write of the same buffer)
// must be reported by synchronization validation. If this fails, the fixture proves nothing.
TEST_F(ContextTest, ValidationReportsAMissingBarrier) {
    const auto a =
        render::Buffer::create(ctx(), {.size = 1024,
                                       .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                       .name = "canary.a"});
    const auto b =
        render::Buffer::create(ctx(), {.size = 1024, .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT, .name = "canary.b"});
    render::submit_and_wait(
        ctx(),
        [&](VkCommandBuffer cmd) {
            vkCmdFillBuffer(cmd, a.get(), 0, VK_WHOLE_SIZE, 0x12345678u);
            // Missing: a COPY write → COPY read barrier on `a`.
            const VkBufferCopy region{0, 0, 1024};
            vkCmdCopyBuffer(cmd, a.get(), b.get(), 1, &region);
        },
        "canary");
    const auto messages = ctx().take_validation_messages();
    ASSERT_FALSE(messages.empty()) << "synchronization validation did not report the missing barrier";
    const bool hazard = std::any_of(messages.begin(), messages.end(), [](const auto& m) {
        return m.text.find("SYNC-HAZARD-READ") != std::string::npos ||
               m.id.find("SYNC-HAZARD-READ") != std::string::npos;
    });
    EXPECT_TRUE(hazard) << test::format_messages(messages);
}

TEST(ContextCreation, AMissingRequiredExtensionIsNamed) {
    try {
        (void)render::Context::create({.validation = render::Validation::off,
                                       .required_device_extensions = {"VK_CUVK_no_such_extension"},
                                       .log = [](core::LogLevel, std::string_view) {}});
        FAIL() << "no exception";
    } catch (const core::Error& e) {
        EXPECT_NE(std::string(e.what()).find("VK_CUVK_no_such_extension"), std::string::npos) << e.what();
    }
}

namespace {
std::vector<render::PhysicalDeviceSummary> made_up_devices() {
    render::PhysicalDeviceSummary cpu{.index = 0, .name = "llvmpipe", .type = VK_PHYSICAL_DEVICE_TYPE_CPU};
    cpu.uuid.fill(0x11);
    render::PhysicalDeviceSummary gpu{
        .index = 1, .name = "NVIDIA H100 80GB HBM3", .type = VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU};
    gpu.uuid.fill(0x22);
    render::PhysicalDeviceSummary igpu{.index = 2, .name = "Intel UHD", .type = VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU};
    igpu.uuid.fill(0x33);
    return {cpu, gpu, igpu};
}
} // namespace

TEST(DeviceSelection, PrefersDiscreteAndSelectsByIndexNameOrUuid) {
    const auto devices = made_up_devices();
    EXPECT_EQ(render::select_physical_device(devices, ""), 1u);
    EXPECT_EQ(render::select_physical_device(devices, "0"), 0u);
    EXPECT_EQ(render::select_physical_device(devices, "h100"), 1u);
    EXPECT_EQ(render::select_physical_device(devices, render::to_hex(devices[2].uuid)), 2u);
    EXPECT_EQ(render::select_physical_device(devices, "33333333333333333333333333333333"), 2u);
}

TEST(DeviceSelection, BadSelectorsAreUsageErrorsListingTheDevices) {
    const auto devices = made_up_devices();
    for (const char* bad : {"7", "radeon", "l"}) { // out of range, no match, ambiguous ("llvmpipe", "Intel UHD")
        try {
            (void)render::select_physical_device(devices, bad);
            ADD_FAILURE() << "accepted " << bad;
        } catch (const core::Error& e) {
            EXPECT_TRUE(e.is_usage());
            EXPECT_NE(e.doing().find("NVIDIA H100"), std::string::npos) << e.doing();
        }
    }
    EXPECT_THROW((void)render::select_physical_device({}, ""), core::Error);
}

// Both ways of waiting for a fence: a signalled fence is reached at once, one never submitted times out (bounded), a
// submission's fence is reached once the GPU finished it.
TEST_F(ContextTest, FenceWaitsBlockingAndSpinningReachAndTimeOut) {
    for (const auto how : {render::HostWait::block, render::HostWait::spin}) {
        SCOPED_TRACE(render::to_string(how));
        const auto signalled = render::create_fence(ctx(), "signalled", true);
        EXPECT_EQ(render::wait_fence(ctx(), signalled.get(), std::chrono::seconds(1), "signalled", how),
                  render::WaitOutcome::reached);
        const auto never = render::create_fence(ctx(), "never");
        const auto start = std::chrono::steady_clock::now();
        EXPECT_EQ(render::wait_fence(ctx(), never.get(), std::chrono::milliseconds(20), "never", how),
                  render::WaitOutcome::timeout);
        EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(19));
        const auto pool = render::CommandPool::create(ctx(), "pool");
        const VkCommandBuffer cmd = pool.allocate("cmd");
        const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
        ASSERT_EQ(vkBeginCommandBuffer(cmd, &begin), VK_SUCCESS);
        ASSERT_EQ(vkEndCommandBuffer(cmd), VK_SUCCESS);
        const auto fence = render::create_fence(ctx(), "submitted");
        render::submit(ctx(), {.commands = {&cmd, 1}, .fence = fence.get(), .name = "empty"});
        EXPECT_EQ(render::wait_fence(ctx(), fence.get(), std::chrono::seconds(10), "submitted", how),
                  render::WaitOutcome::reached);
    }
}
