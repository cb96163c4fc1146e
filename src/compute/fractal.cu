// The fractal sample on CUDA: one thread per texel, one launch per mip level. No state beyond the steps taken.

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/launch.cuh"
#include "fractal.cuh"
#include "fractal.hpp"

#include <surface_indirect_functions.h>

namespace cuvk::compute {
namespace fractal {
namespace {

__global__ void level_kernel(SurfaceView out, View view) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= out.extent.width || y >= out.extent.height)
        return;
    // surf2Dwrite's x is in bytes.
    surf2Dwrite(texel(view, x, y, out.extent.width, out.extent.height), out.surface, int(x * sizeof(std::uint32_t)),
                int(y));
}

// Holds only the settings and the number of steps taken; writes the levels the caller hands to step(). The stream must
// outlive it.
class CudaFractal final : public CudaSimulation {
public:
    CudaFractal(const SimulationInfo& info, cudaStream_t stream) : settings_(read_settings(info)), stream_(stream) {}

    void step(const DeviceOutput& out) override {
        CUVK_ASSERT(out.levels.size() == settings_.mip_levels, "the fractal writes every mip level");
        frame_ += out.steps;
        const View view = view_at(settings_, frame_ > 0 ? frame_ - 1 : 0);
        const dim3 block(16, 16);
        for (std::uint32_t l = 0; l < settings_.mip_levels; ++l) {
            const SurfaceView& level = out.levels[l];
            CUVK_ASSERT(level.extent == core::mip_extent(settings_.extent, l), "mip level extents follow the chain");
            level_kernel<<<grid_for(level.extent, block), block, 0, stream_>>>(level, view);
            CUVK_CUDA_LAUNCH("fractal::level_kernel");
        }
    }

private:
    Settings settings_;
    cudaStream_t stream_;
    // Steps taken, this frame's included: a frame shows the view of the last step taken (view 0 before any), so
    // frame k of a run of single steps shows view k, as before steps existed.
    std::uint32_t frame_ = 0;
};

} // namespace
} // namespace fractal

std::unique_ptr<CudaSimulation> make_fractal_cuda(const SimulationInfo& info, cudaStream_t stream) {
    return std::make_unique<fractal::CudaFractal>(info, stream);
}

} // namespace cuvk::compute
