#pragma once
// Command recording and submission on the context's queue (synchronization2: vkQueueSubmit2).
//
// CommandPool owns a VkCommandPool (resettable buffers) for one thread. submit() takes semaphore waits/signals
// with timeline values (binary semaphores ignore the value). wait_fence() returns an outcome, never hangs forever.

#include "cuvk/render/context.hpp"
#include "cuvk/render/handles.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>

namespace cuvk::render {

class CommandPool {
public:
    CommandPool() = default;
    // For the context's universal queue family unless `family` names another (e.g. ctx.compute_queue_family()).
    static CommandPool create(const Context& ctx, const std::string& name,
                              std::optional<core::QueueFamily> family = std::nullopt);

    VkCommandPool get() const noexcept { return pool_.get(); }
    // Gives up the pool without destroying it (only for a GPU that never finished: see submit_and_wait).
    VkCommandPool release() noexcept { return pool_.release(); }
    // A primary command buffer; freed with the pool.
    VkCommandBuffer allocate(const std::string& name) const;

private:
    const Context* ctx_ = nullptr;
    UniqueCommandPool pool_;
};

struct SemaphoreSubmit {
    VkSemaphore semaphore = VK_NULL_HANDLE;
    std::uint64_t value = 0; // timeline value to wait for / signal; ignored for binary semaphores
    VkPipelineStageFlags2 stage = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
};

struct Submission {
    std::span<const VkCommandBuffer> commands;
    std::span<const SemaphoreSubmit> waits;
    std::span<const SemaphoreSubmit> signals;
    VkFence fence = VK_NULL_HANDLE;
    std::string name;               // for errors
    VkQueue queue = VK_NULL_HANDLE; // the context's universal queue when null
};

void submit(const Context& ctx, const Submission& submission);

// vkSignalSemaphore of a timeline semaphore to `value` from the host, and vkGetSemaphoreCounterValue; both note the
// value in the context as reached (Context::note_reached).
void signal_from_host(const Context& ctx, VkSemaphore semaphore, std::uint64_t value, const std::string& name);
std::uint64_t counter_value(const Context& ctx, VkSemaphore semaphore, const std::string& name);

UniqueFence create_fence(const Context& ctx, const std::string& name, bool signaled = false);
UniqueSemaphore create_timeline_semaphore(const Context& ctx, std::uint64_t initial, const std::string& name);
UniqueSemaphore create_binary_semaphore(const Context& ctx, const std::string& name);

enum class WaitOutcome { reached, timeout };
// How the host waits: blocked in the driver, or spinning on the fence's status (measured on the H200: a blocked wait
// for a tiny submission returns ~27 us later than spinning; spinning keeps a core busy meanwhile).
enum class HostWait { block, spin };
const char* to_string(HostWait how);
WaitOutcome wait_fence(const Context& ctx, VkFence fence, std::chrono::nanoseconds timeout, const std::string& name,
                       HostWait how = HostWait::block);

// Records `record` into a fresh command buffer, submits it with the given semaphores and waits for it. For set-up,
// tests and readback, not for frames. Throws when the GPU does not finish within `timeout`; the command pool and
// fence are then leaked, but resources the commands reference belong to the caller, so treat such a timeout as
// fatal for the device (as for VK_ERROR_DEVICE_LOST).
void submit_and_wait(const Context& ctx, const std::function<void(VkCommandBuffer)>& record, const std::string& name,
                     std::span<const SemaphoreSubmit> waits = {}, std::span<const SemaphoreSubmit> signals = {},
                     std::chrono::nanoseconds timeout = std::chrono::seconds(60));

} // namespace cuvk::render
