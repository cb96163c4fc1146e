// The user's kernel: one thread per texel, written through the surface of this frame's shared image.
#include "hello.hpp"

#include <cuvk/compute/check.hpp>
#include <cuvk/compute/launch.cuh>
#include <surface_indirect_functions.h>

__global__ void hello_kernel(cuvk::compute::SurfaceView out, std::uint32_t frame) {
    const unsigned x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x < out.extent.width && y < out.extent.height)
        surf2Dwrite(hello_interop::hello_texel(x, y, out.extent.width, out.extent.height, frame), out.surface,
                    int(x * 4), int(y));
}

namespace hello_interop {

void launch_hello(const cuvk::compute::SurfaceView& out, std::uint32_t frame, cudaStream_t stream) {
    const dim3 block(16, 16);
    hello_kernel<<<cuvk::compute::grid_for(out.extent, block), block, 0, stream>>>(out, frame);
    CUVK_CUDA_LAUNCH("hello_kernel");
}

} // namespace hello_interop
