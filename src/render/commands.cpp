#include "cuvk/render/commands.hpp"

#include "cuvk/render/check.hpp"

#include <vector>

namespace cuvk::render {

CommandPool CommandPool::create(const Context& ctx, const std::string& name, std::optional<core::QueueFamily> family) {
    const VkCommandPoolCreateInfo info{.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                       .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
                                       .queueFamilyIndex = family.value_or(ctx.queue_family()).index};
    VkCommandPool pool = VK_NULL_HANDLE;
    CUVK_VK(vkCreateCommandPool(ctx.device(), &info, nullptr, &pool), name);
    CommandPool out;
    out.ctx_ = &ctx;
    out.pool_ = UniqueCommandPool(pool, {ctx.device()});
    ctx.set_name(VK_OBJECT_TYPE_COMMAND_POOL, pool, name);
    return out;
}

VkCommandBuffer CommandPool::allocate(const std::string& name) const {
    const VkCommandBufferAllocateInfo info{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                           .commandPool = pool_.get(),
                                           .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                           .commandBufferCount = 1};
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    CUVK_VK(vkAllocateCommandBuffers(ctx_->device(), &info, &cmd), name);
    ctx_->set_name(VK_OBJECT_TYPE_COMMAND_BUFFER, cmd, name);
    return cmd;
}

void submit(const Context& ctx, const Submission& s) {
    std::vector<VkCommandBufferSubmitInfo> cmds;
    for (auto c : s.commands)
        cmds.push_back({.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO, .commandBuffer = c});
    auto to_info = [](std::span<const SemaphoreSubmit> in) {
        std::vector<VkSemaphoreSubmitInfo> out;
        for (const auto& w : in)
            out.push_back({.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
                           .semaphore = w.semaphore,
                           .value = w.value,
                           .stageMask = w.stage});
        return out;
    };
    const auto waits = to_info(s.waits);
    const auto signals = to_info(s.signals);
    const VkSubmitInfo2 info{.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
                             .waitSemaphoreInfoCount = std::uint32_t(waits.size()),
                             .pWaitSemaphoreInfos = waits.data(),
                             .commandBufferInfoCount = std::uint32_t(cmds.size()),
                             .pCommandBufferInfos = cmds.data(),
                             .signalSemaphoreInfoCount = std::uint32_t(signals.size()),
                             .pSignalSemaphoreInfos = signals.data()};
    CUVK_VK(vkQueueSubmit2(s.queue ? s.queue : ctx.queue(), 1, &info, s.fence), s.name);
}

void signal_from_host(const Context& ctx, VkSemaphore semaphore, std::uint64_t value, const std::string& name) {
    const VkSemaphoreSignalInfo info{
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO, .semaphore = semaphore, .value = value};
    CUVK_VK(vkSignalSemaphore(ctx.device(), &info), name);
    ctx.note_reached(semaphore, value);
}

std::uint64_t counter_value(const Context& ctx, VkSemaphore semaphore, const std::string& name) {
    std::uint64_t value = 0;
    CUVK_VK(vkGetSemaphoreCounterValue(ctx.device(), semaphore, &value), name);
    ctx.note_reached(semaphore, value);
    return value;
}

UniqueFence create_fence(const Context& ctx, const std::string& name, bool signaled) {
    const VkFenceCreateInfo info{.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO,
                                 .flags = signaled ? VkFenceCreateFlags(VK_FENCE_CREATE_SIGNALED_BIT) : 0u};
    VkFence fence = VK_NULL_HANDLE;
    CUVK_VK(vkCreateFence(ctx.device(), &info, nullptr, &fence), name);
    ctx.set_name(VK_OBJECT_TYPE_FENCE, fence, name);
    return UniqueFence(fence, {ctx.device()});
}

UniqueSemaphore create_timeline_semaphore(const Context& ctx, std::uint64_t initial, const std::string& name) {
    const VkSemaphoreTypeCreateInfo type{.sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
                                         .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
                                         .initialValue = initial};
    const VkSemaphoreCreateInfo info{.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, .pNext = &type};
    VkSemaphore semaphore = VK_NULL_HANDLE;
    CUVK_VK(vkCreateSemaphore(ctx.device(), &info, nullptr, &semaphore), name);
    ctx.set_name(VK_OBJECT_TYPE_SEMAPHORE, semaphore, name);
    return UniqueSemaphore(semaphore, {ctx.device()});
}

UniqueSemaphore create_binary_semaphore(const Context& ctx, const std::string& name) {
    const VkSemaphoreCreateInfo info{.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    VkSemaphore semaphore = VK_NULL_HANDLE;
    CUVK_VK(vkCreateSemaphore(ctx.device(), &info, nullptr, &semaphore), name);
    ctx.set_name(VK_OBJECT_TYPE_SEMAPHORE, semaphore, name);
    return UniqueSemaphore(semaphore, {ctx.device()});
}

const char* to_string(HostWait how) {
    return how == HostWait::spin ? "spin" : "block";
}

WaitOutcome wait_fence(const Context& ctx, VkFence fence, std::chrono::nanoseconds timeout, const std::string& name,
                       HostWait how) {
    if (how == HostWait::spin) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const VkResult r = CUVK_VK(vkGetFenceStatus(ctx.device(), fence), name);
            if (r == VK_SUCCESS)
                return WaitOutcome::reached;
            if (std::chrono::steady_clock::now() >= deadline)
                return WaitOutcome::timeout;
        }
    }
    const VkResult r = CUVK_VK(vkWaitForFences(ctx.device(), 1, &fence, VK_TRUE, std::uint64_t(timeout.count())), name);
    return r == VK_TIMEOUT ? WaitOutcome::timeout : WaitOutcome::reached;
}

void submit_and_wait(const Context& ctx, const std::function<void(VkCommandBuffer)>& record, const std::string& name,
                     std::span<const SemaphoreSubmit> waits, std::span<const SemaphoreSubmit> signals,
                     std::chrono::nanoseconds timeout) {
    auto pool = CommandPool::create(ctx, name + ".pool");
    const VkCommandBuffer cmd = pool.allocate(name + ".cmd");
    const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                         .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
    CUVK_VK(vkBeginCommandBuffer(cmd, &begin), name);
    record(cmd);
    CUVK_VK(vkEndCommandBuffer(cmd), name);
    auto fence = create_fence(ctx, name + ".fence");
    submit(ctx, {.commands = {&cmd, 1}, .waits = waits, .signals = signals, .fence = fence.get(), .name = name});
    WaitOutcome outcome = WaitOutcome::timeout;
    try {
        outcome = wait_fence(ctx, fence.get(), timeout, name);
    } catch (...) {
        // The wait failed (not timed out): the pool and fence die with this frame, so let the queue finish first (a
        // lost device returns at once).
        (void)vkDeviceWaitIdle(ctx.device());
        throw;
    }
    if (outcome == WaitOutcome::timeout) {
        // The pool and fence must not be destroyed while the GPU may still use them, and waiting for the device
        // could hang on a semaphore that is never signalled: leak both on purpose and report.
        (void)pool.release();
        (void)fence.release();
        core::fail("the GPU did not finish within " +
                       std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()) + " ms",
                   name);
    }
}

} // namespace cuvk::render
