#pragma once
// The kernels cuvk-stress's producers run (CUDA builds only): writing core::stress_pattern for a frame over rows of an
// RGBA8 surface or of a buffer of words, and a delay that keeps the stream busy for a given time. Each is available
// as a stream launch and as kernel-node parameters for a CUDA graph, so the graph producer runs the same kernels.

#include "cuvk/compute/views.hpp"
#include "cuvk/core/stress_pattern.hpp"

#include <cstdint>
#include <cuda_runtime_api.h>

namespace cuvk::compute {

// What one fill writes at every (x, y) with row_begin <= y < row_end: core::stress_texel(format, frame, x, y) into an
// image's surface, or core::stress_pattern(frame, x, y) into a buffer's word.
struct StressFill {
    SurfaceView image; // a surface of an image of `format`, unless `words` is set
    core::StressFormat format = core::StressFormat::rgba8;
    std::uint32_t* words = nullptr; // else a buffer of extent.width x extent.height words, row after row
    core::Extent2D extent;          // of the image or the buffer
    std::uint32_t frame = 0;
    std::uint32_t row_begin = 0, row_end = 0;
};

void launch_stress_fill(const StressFill& fill, cudaStream_t stream);
// Occupies the stream for `microseconds` (one thread reading the GPU's global timer); 0 returns at once.
void launch_spin(std::uint32_t microseconds, cudaStream_t stream);

// Kernel-node parameters of the same launches, for cudaGraphAddKernelNode and cudaGraphExecKernelNodeSetParams
// (which copy the argument values). `params.kernelParams` points into this object, which therefore neither copies
// nor moves: use it where it was made. The argument it names must still hold its value when the node is added or set.
struct KernelNodeParams {
    cudaKernelNodeParams params{};
    void* args[1]{};
    KernelNodeParams(const void* func, void* arg, dim3 grid, dim3 block);
    KernelNodeParams(const KernelNodeParams&) = delete;
    KernelNodeParams& operator=(const KernelNodeParams&) = delete;
};
// `fill` must span the same rows and target whenever the node is set again (the grid is fixed at creation).
KernelNodeParams stress_fill_node(StressFill* fill);
KernelNodeParams spin_node(std::uint32_t* microseconds);

} // namespace cuvk::compute
