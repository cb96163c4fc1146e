// stream_order.hpp with CUDA: one event per call, destroyed once the wait is enqueued (CUDA releases it when the
// wait no longer needs it).

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/stream.hpp"
#include "cuvk/interop/cuda_device.hpp"
#include "stream_order.hpp"

namespace cuvk::capi {

void stream_wait(void* waiter, void* after, int device, const std::string& what) {
    if (waiter == after)
        return;
    const interop::ScopedCudaDevice current(device, what); // the caller may have another device current
    const auto event = compute::create_event(what);
    CUVK_CUDA(cudaEventRecord(event.get(), static_cast<cudaStream_t>(after)), what);
    CUVK_CUDA(cudaStreamWaitEvent(static_cast<cudaStream_t>(waiter), event.get(), 0), what);
}

int current_cuda_device() {
    int device = -1;
    CUVK_CUDA(cudaGetDevice(&device), "the current CUDA device");
    return device;
}

} // namespace cuvk::capi
