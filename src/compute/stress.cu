#include "cuvk/compute/check.hpp"
#include "cuvk/compute/launch.cuh"
#include "cuvk/compute/stress.hpp"

#include <surface_indirect_functions.h>

namespace cuvk::compute {
namespace {

const dim3 kFillBlock(32, 8);

__global__ void stress_fill_kernel(StressFill fill) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t y = fill.row_begin + blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= fill.extent.width || y >= fill.row_end)
        return;
    if (fill.words) {
        fill.words[std::size_t(y) * fill.extent.width + x] = core::stress_pattern(fill.frame, x, y); // constexpr
        return;
    }
    auto texel = [&](std::uint32_t i) { return core::stress_texel(fill.format, fill.frame, x, y, i); };
    switch (core::stress_texel_words(fill.format)) { // surf2Dwrite's x is in bytes
    case 4:
        surf2Dwrite(make_uint4(texel(0), texel(1), texel(2), texel(3)), fill.image.surface, int(x * 16), int(y));
        break;
    case 2:
        surf2Dwrite(make_uint2(texel(0), texel(1)), fill.image.surface, int(x * 8), int(y));
        break;
    default:
        surf2Dwrite(texel(0), fill.image.surface, int(x * 4), int(y));
        break;
    }
}

__device__ std::uint64_t global_ns() {
    std::uint64_t t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

__global__ void spin_kernel(std::uint32_t microseconds) {
    const std::uint64_t end = global_ns() + std::uint64_t(microseconds) * 1000u;
    while (global_ns() < end)
        __nanosleep(500);
}

dim3 fill_grid(const StressFill& fill) {
    return grid_for(core::Extent2D{fill.extent.width, fill.row_end - fill.row_begin}, kFillBlock);
}

} // namespace

void launch_stress_fill(const StressFill& fill, cudaStream_t stream) {
    CUVK_ASSERT(fill.row_begin <= fill.row_end && fill.row_end <= fill.extent.height, "rows outside the target");
    if (fill.row_begin == fill.row_end || fill.extent.width == 0)
        return;
    stress_fill_kernel<<<fill_grid(fill), kFillBlock, 0, stream>>>(fill);
    CUVK_CUDA_LAUNCH("stress_fill_kernel");
}

void launch_spin(std::uint32_t microseconds, cudaStream_t stream) {
    if (microseconds == 0)
        return;
    spin_kernel<<<1, 1, 0, stream>>>(microseconds);
    CUVK_CUDA_LAUNCH("spin_kernel");
}

KernelNodeParams::KernelNodeParams(const void* func, void* arg, dim3 grid, dim3 block) {
    args[0] = arg;
    params.func = const_cast<void*>(func);
    params.gridDim = grid;
    params.blockDim = block;
    params.sharedMemBytes = 0;
    params.kernelParams = args;
    params.extra = nullptr;
}

KernelNodeParams stress_fill_node(StressFill* fill) {
    CUVK_ASSERT(fill->row_begin < fill->row_end && fill->row_end <= fill->extent.height && fill->extent.width > 0,
                "a graph's fill node needs rows to write");
    return KernelNodeParams(reinterpret_cast<const void*>(&stress_fill_kernel), fill, fill_grid(*fill), kFillBlock);
}

KernelNodeParams spin_node(std::uint32_t* microseconds) {
    // A zero delay runs the kernel too (a node cannot vanish per launch): it reads the timer once and returns.
    return KernelNodeParams(reinterpret_cast<const void*>(&spin_kernel), microseconds, dim3(1), dim3(1));
}

} // namespace cuvk::compute
