#pragma once
// The kernels of cuvk-bench's micro-benchmarks (CUDA builds only): writes that stream through memory as fast as
// the GPU can (to compare imported Vulkan memory with cudaMalloc memory), and the smallest kernel there is (to time
// the handoffs around it, not the work).

#include "cuvk/compute/views.hpp"

#include <cstddef>
#include <cstdint>
#include <cuda_runtime_api.h>

namespace cuvk::compute {

// Writes `value` into every 32-bit word of [p, p + bytes) with 16-byte stores, grid-stride; `bytes` a multiple of
// 16 and p 16-byte aligned.
void launch_write_words(void* p, std::size_t bytes, std::uint32_t value, cudaStream_t stream);
// Writes `value` into every texel of a 32-bit-per-texel surface (RGBA8, BGRA8, R32F) through surf2Dwrite.
void launch_write_surface(SurfaceView surface, std::uint32_t value, cudaStream_t stream);
// One thread adds one to *counter: a launch with (almost) no work.
void launch_tick(std::uint32_t* counter, cudaStream_t stream);

} // namespace cuvk::compute
