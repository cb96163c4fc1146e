// stream_order.hpp with CUDA: one event per call, destroyed once the wait is enqueued (CUDA releases it when the
// wait no longer needs it).

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/stream.hpp"
#include "cuvk/interop/cuda_device.hpp"
#include "stream_order.hpp"

#include <algorithm>

namespace cuvk::capi {

void stream_wait(void* waiter, void* after, int device, const std::string& what) {
    if (waiter == after)
        return;
    const interop::ScopedCudaDevice current(device, what); // the caller may have another device current
    const auto event = compute::create_event(what);
    CUVK_CUDA(cudaEventRecord(event.get(), static_cast<cudaStream_t>(after)), what);
    CUVK_CUDA(cudaStreamWaitEvent(static_cast<cudaStream_t>(waiter), event.get(), 0), what);
}

void copy_rows(void* dst, std::uint64_t dst_pitch, const void* src, std::uint64_t src_pitch, std::uint64_t row_bytes,
               std::uint64_t rows, void* stream, int device, const std::string& what) {
    if (dst_pitch < row_bytes || src_pitch < row_bytes)
        core::fail_usage(what + ": a row of " + std::to_string(row_bytes) + " bytes does not fit a pitch of " +
                         std::to_string(std::min(dst_pitch, src_pitch)));
    const interop::ScopedCudaDevice current(device, what);
    cudaPointerAttributes attributes{};
    CUVK_CUDA(cudaPointerGetAttributes(&attributes, src), what + ": where the source lives");
    const bool on_device = attributes.type == cudaMemoryTypeDevice || attributes.type == cudaMemoryTypeManaged;
    if (on_device && attributes.device != device)
        core::fail_usage(what + ": the source is memory of CUDA device " + std::to_string(attributes.device) +
                         ", the output of CUDA device " + std::to_string(device) + " (copy it to that device first)");
    CUVK_CUDA(cudaMemcpy2DAsync(dst, dst_pitch, src, src_pitch, row_bytes, rows, cudaMemcpyDefault,
                                static_cast<cudaStream_t>(stream)),
              what);
}

bool built_with_cuda() {
    return true;
}

int current_cuda_device() {
    int device = -1;
    CUVK_CUDA(cudaGetDevice(&device), "the current CUDA device");
    return device;
}

} // namespace cuvk::capi
