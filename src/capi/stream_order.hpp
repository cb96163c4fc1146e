#pragma once
// Orders two CUDA streams for the C ABI (CUDA builds: stream_order_cuda.cpp; without CUDA: stream_order_none.cpp).

#include <string>

namespace cuvk::capi {

// Makes `waiter` wait, on the GPU, for everything enqueued on `after` so far (an event recorded on `after`, with CUDA
// device `device` current meanwhile). Both are cudaStream_t. Throws core::Error naming `what` when CUDA refuses.
void stream_wait(void* waiter, void* after, int device, const std::string& what);

// The calling thread's current CUDA device (-1 without CUDA).
int current_cuda_device();

} // namespace cuvk::capi
