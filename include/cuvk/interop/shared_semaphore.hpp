#pragma once
// Semaphores shared by Vulkan and CUDA: created exportable by Vulkan, imported by CUDA
// (cudaImportExternalSemaphore), signalled and waited on from either side.
//
// SharedTimeline: a timeline semaphore; every wait and signal names a core::TimelineValue.
// SharedBinarySemaphore: the fallback; each signal is enqueued before the wait that consumes it, one wait per signal.
// Members in creation order: the CUDA import dies before the VkSemaphore. The Context outlives them, and the
// owner synchronizes the CUDA streams that used them before destroying them.
// Never wait on the host with vkWaitSemaphores for a value CUDA signals (~10 ms per wait on the H100, DESIGN.md).

#include "cuvk/core/types.hpp"
#include "cuvk/interop/cuda_device.hpp"
#include "cuvk/interop/cuda_handles.hpp"
#include "cuvk/interop/exported_semaphore.hpp"
#include "cuvk/render/commands.hpp"

namespace cuvk::interop {

class SharedTimeline {
public:
    SharedTimeline() = default;
    static SharedTimeline create(const render::Context& ctx, const CudaDevice& cuda, core::TimelineValue initial,
                                 const std::string& name);

    VkSemaphore vk() const noexcept { return exported_.get(); }
    const std::string& name() const noexcept { return exported_.name(); }
    // The CUDA import, for calls that take several semaphores at once and for graph nodes (cudaGraphAdd-
    // ExternalSemaphoresWaitNode / SignalNode). Owned here.
    cudaExternalSemaphore_t cuda() const noexcept { return cuda_.get(); }

    // Enqueue on a CUDA stream.
    void cuda_signal(cudaStream_t stream, core::TimelineValue value) const;
    void cuda_wait(cudaStream_t stream, core::TimelineValue value) const;

    // For a Vulkan submission (render::submit).
    render::SemaphoreSubmit vk_wait(core::TimelineValue value, VkPipelineStageFlags2 stage) const {
        return {exported_.get(), value.value, stage};
    }
    render::SemaphoreSubmit vk_signal(core::TimelineValue value, VkPipelineStageFlags2 stage) const {
        return {exported_.get(), value.value, stage};
    }

    // After a CUDA fault (engine::recover_from_cuda_fault): the host signals what CUDA never will, so that Vulkan's
    // waits are met (vkSignalSemaphore; nothing happens when the counter is at `value` already) ...
    void host_signal_at_least(core::TimelineValue value) const;
    // ... the CUDA import is released in the faulted context and, after the reset, the same semaphore is imported
    // again (a new fd). Its counter goes on where it was.
    void release_cuda() noexcept { cuda_.reset(); }
    void import_cuda(const CudaDevice& cuda);

private:
    ExportedSemaphore exported_;
    UniqueExternalSemaphore cuda_;
};

class SharedBinarySemaphore {
public:
    SharedBinarySemaphore() = default;
    static SharedBinarySemaphore create(const render::Context& ctx, const CudaDevice& cuda, const std::string& name);

    VkSemaphore vk() const noexcept { return exported_.get(); }
    const std::string& name() const noexcept { return exported_.name(); }
    cudaExternalSemaphore_t cuda() const noexcept { return cuda_.get(); } // owned here, as for SharedTimeline

    void cuda_signal(cudaStream_t stream) const;
    void cuda_wait(cudaStream_t stream) const;
    render::SemaphoreSubmit vk_wait(VkPipelineStageFlags2 stage) const { return {exported_.get(), 0, stage}; }
    render::SemaphoreSubmit vk_signal(VkPipelineStageFlags2 stage) const { return {exported_.get(), 0, stage}; }

private:
    ExportedSemaphore exported_;
    UniqueExternalSemaphore cuda_;
};

} // namespace cuvk::interop
