#include "cuvk/engine/cuda_recovery.hpp"

#include "cuvk/core/error.hpp"
#include "producer.hpp"

#include <chrono>

namespace cuvk::engine {

std::optional<CudaRecovery> recover_from_cuda_fault(std::span<FrameRing* const> rings) {
    const auto start = std::chrono::steady_clock::now();
    CudaRecovery out;
    for (FrameRing* r : rings) {
        if (r->cuda_ordinal() < 0)
            continue;
        if (std::string fault = r->cuda_fault(); !fault.empty()) {
            out = {.error = std::move(fault), .ring = r->name(), .device = r->cuda_ordinal()};
            break;
        }
    }
    if (out.error.empty())
        return std::nullopt;
    std::vector<FrameRing*> affected;
    for (FrameRing* r : rings)
        if (r->cuda_ordinal() == out.device) {
            if (std::string why = r->cuda_recovery_refusal(); !why.empty())
                throw core::Error({.api = core::Api::cuda,
                                   .result = out.error,
                                   .what = "a kernel faulted (first seen by " + out.ring +
                                           "), and this ring cannot be carried through the reset: " + why,
                                   .object = r->name()});
            affected.push_back(r);
        }
    // Vulkan first: every submission that waits for CUDA is released and finishes. Then CUDA, in the faulted context,
    // and only after every ring has let go of it, the reset.
    for (FrameRing* r : affected)
        r->abandon_cuda_frames();
    for (FrameRing* r : affected)
        r->release_cuda(out.error);
    try {
        reset_cuda_device(out.device);
    } catch (const core::Error& e) {
        // Seen on NVIDIA's 580 driver (H200): after a kernel's MMU fault the process gets no CUDA context again,
        // cudaDeviceReset or not (cudaErrorDevicesUnavailable); only a new process can use CUDA.
        if (e.result() != "cudaErrorDevicesUnavailable")
            throw;
        throw core::Error({.api = core::Api::cuda,
                           .call = e.call(),
                           .result = e.result(),
                           .what = "a kernel faulted (" + out.error + ", first seen by " + out.ring +
                                   ") and the driver gives this process no CUDA context after it (" + e.doing() +
                                   "), so CUDA work can go on only in a new process",
                           .object = out.ring});
    }
    for (FrameRing* r : affected)
        r->import_cuda();
    out.rings = affected.size();
    out.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return out;
}

} // namespace cuvk::engine
