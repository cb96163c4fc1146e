// The waves sample on CUDA: one thread per cell, the two height fields in stream-ordered memory of its own.

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/device_memory.hpp"
#include "cuvk/compute/launch.cuh"
#include "waves.cuh"
#include "waves.hpp"

#include <utility>

namespace cuvk::compute {
namespace waves {
namespace {

const dim3 kBlock(16, 16);

// Adds the drop's bump to both fields over the cells it touches.
__global__ void drop_kernel(float* h, float* prev, std::uint32_t n, Drop d) {
    const std::uint32_t x = d.x0 + blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t z = d.z0 + blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= d.x1 || z >= d.z1)
        return;
    const float bump = drop_bump(d, x, z);
    const std::size_t i = std::size_t(z) * n + x;
    h[i] += bump;
    prev[i] += bump;
}

// One leapfrog step: prev[i] becomes h_next[i]. Each thread reads and writes only its own prev[i].
__global__ void wave_kernel(const float* h, float* prev, Settings s) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t z = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= s.n || z >= s.n)
        return;
    prev[std::size_t(z) * s.n + x] = next_height(h, prev, s.n, x, z, s);
}

__global__ void vertex_kernel(const float* h, MeshVertex* vertices, std::uint32_t n, float spacing, float height) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t z = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= n || z >= n)
        return;
    vertices[std::size_t(z) * n + x] = vertex(h, n, x, z, spacing, height);
}

// Owns the two height fields (n * n floats each, allocated and zeroed on `stream`). The stream must outlive it; its
// owner synchronizes the stream before destroying it (sample.hpp).
class CudaWaves final : public CudaSimulation {
public:
    CudaWaves(const SimulationInfo& info, cudaStream_t stream)
        : settings_(read_settings(info)), stream_(stream), fields_{allocate_async(bytes(), stream, "waves.h0"),
                                                                   allocate_async(bytes(), stream, "waves.h1")} {
        for (const DeviceMemory& field : fields_)
            CUVK_CUDA(cudaMemsetAsync(field.get(), 0, bytes(), stream_), "waves.fields");
    }

    void step(const DeviceOutput& out) override {
        CUVK_ASSERT(out.vertices != nullptr, "waves write a vertex buffer");
        const std::uint32_t n = settings_.n;
        const core::Extent2D extent{n, n};
        for (std::uint32_t step = 0; step < out.steps; ++step) {
            if (has_drop(settings_, frame_)) {
                const Drop d = drop_at(settings_, frame_);
                const core::Extent2D box{d.x1 - d.x0, d.z1 - d.z0};
                drop_kernel<<<grid_for(box, kBlock), kBlock, 0, stream_>>>(h(), prev(), n, d);
                CUVK_CUDA_LAUNCH("waves::drop_kernel");
            }
            for (std::uint32_t s = 0; s < settings_.substeps; ++s) {
                wave_kernel<<<grid_for(extent, kBlock), kBlock, 0, stream_>>>(h(), prev(), settings_);
                CUVK_CUDA_LAUNCH("waves::wave_kernel");
                current_ ^= 1u;
            }
            ++frame_;
        }
        vertex_kernel<<<grid_for(extent, kBlock), kBlock, 0, stream_>>>(h(), static_cast<MeshVertex*>(out.vertices), n,
                                                                        grid_spacing(n), settings_.height);
        CUVK_CUDA_LAUNCH("waves::vertex_kernel");
    }

private:
    std::size_t bytes() const { return sizeof(float) * settings_.n * settings_.n; }
    float* h() const { return as<float>(fields_[current_]); }
    float* prev() const { return as<float>(fields_[current_ ^ 1u]); }

    Settings settings_;
    cudaStream_t stream_;
    DeviceMemory fields_[2];
    std::uint32_t current_ = 0; // fields_[current_] is h, the other h_prev
    std::uint32_t frame_ = 0;   // steps taken: the drops' clock
};

} // namespace
} // namespace waves

std::unique_ptr<CudaSimulation> make_waves_cuda(const SimulationInfo& info, cudaStream_t stream) {
    return std::make_unique<waves::CudaWaves>(info, stream);
}

} // namespace cuvk::compute
