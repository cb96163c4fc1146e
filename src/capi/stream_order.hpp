#pragma once
// CUDA stream work of the C ABI: ordering two streams, copying rows (CUDA builds: stream_order_cuda.cpp; without CUDA:
// stream_order_none.cpp).

#include <cstdint>
#include <string>

namespace cuvk::capi {

// Makes `waiter` wait, on the GPU, for everything enqueued on `after` so far (an event recorded on `after`, with CUDA
// device `device` current meanwhile). Both are cudaStream_t. Throws core::Error naming `what` when CUDA refuses.
void stream_wait(void* waiter, void* after, int device, const std::string& what);

// Copies `rows` rows of `row_bytes` from `src` (rows `src_pitch` apart: CUDA memory of device `device`, or host
// memory) into CUDA memory `dst` of device `device` (rows `dst_pitch` apart), enqueued on `stream`. Usage error when
// `src` is CUDA memory of another device, or when a pitch is below row_bytes; core::Error when CUDA refuses.
void copy_rows(void* dst, std::uint64_t dst_pitch, const void* src, std::uint64_t src_pitch, std::uint64_t row_bytes,
               std::uint64_t rows, void* stream, int device, const std::string& what);

// Whether this build has CUDA at all.
bool built_with_cuda();

// The calling thread's current CUDA device (-1 without CUDA).
int current_cuda_device();

} // namespace cuvk::capi
