#include "cuvk/compute/check.hpp"
#include "cuvk/compute/launch.cuh"
#include "pattern.cuh"
#include "pattern.hpp"

#include <surface_indirect_functions.h>

namespace cuvk::compute {
namespace {

__global__ void fill_words_kernel(SpanView<std::uint32_t> out, std::uint32_t seed) {
    const std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < out.count)
        out.data[i] = pattern::word(i, seed);
}

__global__ void increment_kernel(std::uint32_t* chain, std::size_t index) {
    chain[index] = chain[index - 1] + 1;
}

__global__ void fill_rgba8_kernel(SurfaceView out, std::uint32_t frame) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= out.extent.width || y >= out.extent.height)
        return;
    // surf2Dwrite's x is in bytes.
    surf2Dwrite(pattern::rgba8(x, y, out.extent.width, out.extent.height, frame), out.surface,
                int(x * sizeof(std::uint32_t)), int(y));
}

} // namespace

void launch_fill_words(SpanView<std::uint32_t> out, std::uint32_t seed, cudaStream_t stream) {
    if (out.count == 0)
        return;
    constexpr unsigned kBlock = 256;
    fill_words_kernel<<<grid_for(out.count, kBlock), kBlock, 0, stream>>>(out, seed);
    CUVK_CUDA_LAUNCH("fill_words_kernel");
}

void launch_increment_from_previous(SpanView<std::uint32_t> chain, std::size_t index, cudaStream_t stream) {
    CUVK_ASSERT(index >= 1 && index < chain.count, "the chain link must have a predecessor inside the span");
    increment_kernel<<<1, 1, 0, stream>>>(chain.data, index);
    CUVK_CUDA_LAUNCH("increment_kernel");
}

void launch_fill_rgba8(SurfaceView out, std::uint32_t frame, cudaStream_t stream) {
    if (out.extent.empty())
        return;
    const dim3 block(16, 16);
    fill_rgba8_kernel<<<grid_for(out.extent, block), block, 0, stream>>>(out, frame);
    CUVK_CUDA_LAUNCH("fill_rgba8_kernel");
}

} // namespace cuvk::compute
