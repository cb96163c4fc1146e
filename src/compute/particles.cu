// The particles sample on CUDA: one thread per particle, state in stream-ordered memory of its own.

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/device_memory.hpp"
#include "cuvk/compute/launch.cuh"
#include "particles.cuh"
#include "particles.hpp"

namespace cuvk::compute {
namespace particles {
namespace {

constexpr unsigned kBlock = 256;

__global__ void init_kernel(Particle* particles, Settings s) {
    const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < s.count)
        particles[i] = initial(i, s);
}

__global__ void step_kernel(Particle* particles, PointVertex* vertices, Flow flow, std::uint32_t frame, Settings s) {
    const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= s.count)
        return;
    Particle p = particles[i];
    vertices[i] = step_particle(flow, p, i, frame, s);
    particles[i] = p;
}

// Owns the particle state (count Particles, allocated and initialised on `stream`). The stream must outlive it;
// its owner synchronizes the stream before destroying it (sample.hpp).
class CudaParticles final : public CudaSimulation {
public:
    CudaParticles(const SimulationInfo& info, cudaStream_t stream)
        : settings_(read_settings(info)), stream_(stream),
          particles_(allocate_async(sizeof(Particle) * settings_.count, stream, "particles.state")) {
        init_kernel<<<grid_for(settings_.count, kBlock), kBlock, 0, stream_>>>(as<Particle>(particles_), settings_);
        CUVK_CUDA_LAUNCH("particles::init_kernel");
    }

    void step(const DeviceOutput& out) override {
        CUVK_ASSERT(out.vertices != nullptr, "particles write a vertex buffer");
        const Flow flow = flow_at(settings_, frame_);
        step_kernel<<<grid_for(settings_.count, kBlock), kBlock, 0, stream_>>>(
            as<Particle>(particles_), static_cast<PointVertex*>(out.vertices), flow, frame_, settings_);
        CUVK_CUDA_LAUNCH("particles::step_kernel");
        ++frame_;
    }

private:
    Settings settings_;
    cudaStream_t stream_;
    DeviceMemory particles_;
    std::uint32_t frame_ = 0;
};

} // namespace
} // namespace particles

std::unique_ptr<CudaSimulation> make_particles_cuda(const SimulationInfo& info, cudaStream_t stream) {
    return std::make_unique<particles::CudaParticles>(info, stream);
}

} // namespace cuvk::compute
