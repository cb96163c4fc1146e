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
// One thread writes the GPU's global timer (%globaltimer, ns) into *out (host-mapped memory, so the host reads it).
void launch_stamp(std::uint64_t* out, cudaStream_t stream);
// One thread spins until *flag (host-mapped) is not 0, then writes %globaltimer into *out: the GPU's time at which
// it saw a write the host made (to set the global timer against the host's clock).
void launch_stamp_when_set(const std::uint32_t* flag, std::uint64_t* out, cudaStream_t stream);

} // namespace cuvk::compute
