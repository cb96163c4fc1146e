#pragma once
// cuvk::engine::recover_from_cuda_fault — carries frame rings through a CUDA context fault.
//
// A kernel that traps or touches memory it must not leaves its CUDA context with a sticky error: every later CUDA
// call in it fails, and nothing in it can be freed or used again until the device's primary context is reset. The
// rings notice it (FrameRing::cuda_fault; their waits look every 20 ms, and produce() throws the fault once seen).
// This function then, for every ring on the faulted device: gives up the frames in flight (`produced` signalled from
// the host, so Vulkan's submissions finish), releases the ring's CUDA side, resets the device's primary context
// (cudaDeviceReset), imports the same Vulkan memory and semaphores again and starts each simulation over. Vulkan's
// objects (slots, semaphores, fences, whatever draws them) are untouched, and frame numbers and timeline values go on
// from where both sides agree. A live kernel (compute::LiveKernel) that faulted goes back to its last good kernel.
//
// Needs: every ring that lives on the faulted device, driven by this thread, none between begin_produce and
// end_produce of a caller's own (FrameLoop::begin_frame). The reset destroys every CUDA object of the process on
// that device, not only the rings': anything else must have been released by its owner first.
// Throws core::Error when a ring on the faulted device cannot be carried through (split mode, binary semaphores:
// FrameRing::cuda_recovery_refusal) or when the reset or an import fails; the device should then be taken as lost.

#include "cuvk/engine/frame_ring.hpp"

#include <optional>
#include <span>
#include <string>

namespace cuvk::engine {

struct CudaRecovery {
    std::string error;         // the fault by name, e.g. "cudaErrorIllegalAddress"
    std::string ring;          // the first ring that reported it
    int device = -1;           // the CUDA ordinal that was reset
    std::size_t rings = 0;     // rings carried through
    double milliseconds = 0.0; // from the call until the rings were running again
};

// Nothing happens, and nullopt is returned, while no ring reports a fault.
std::optional<CudaRecovery> recover_from_cuda_fault(std::span<FrameRing* const> rings);

} // namespace cuvk::engine
