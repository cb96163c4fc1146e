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

// One step of every particle; the frame's last step also writes the vertices (null for the steps before it).
__global__ void step_kernel(Particle* particles, float* speeds, PointVertex* vertices, Flow flow, std::uint32_t frame,
                            Settings s) {
    const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= s.count)
        return;
    Particle p = particles[i];
    float speed = 0.0f;
    step_particle(flow, p, speed, i, frame, s);
    particles[i] = p;
    speeds[i] = speed;
    if (vertices)
        vertices[i] = vertex_of(p, speed, i, s);
}

// The vertices of the current state, for a frame that takes no step.
__global__ void vertex_kernel(const Particle* particles, const float* speeds, PointVertex* vertices, Settings s) {
    const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < s.count)
        vertices[i] = vertex_of(particles[i], speeds[i], i, s);
}

// Owns the particle state (count Particles and the speed each is drawn with, allocated and initialised on `stream`).
// The stream must outlive it; its owner synchronizes the stream before destroying it (sample_impl.hpp).
class CudaParticles final : public CudaSimulation {
public:
    CudaParticles(const SimulationInfo& info, cudaStream_t stream)
        : settings_(read_settings(info)), stream_(stream),
          particles_(allocate_async(sizeof(Particle) * settings_.count, stream, "particles.state")),
          speeds_(allocate_async(sizeof(float) * settings_.count, stream, "particles.speeds")) {
        init_kernel<<<grid_for(settings_.count, kBlock), kBlock, 0, stream_>>>(as<Particle>(particles_), settings_);
        CUVK_CUDA_LAUNCH("particles::init_kernel");
        CUVK_CUDA(cudaMemsetAsync(speeds_.get(), 0, sizeof(float) * settings_.count, stream_), "particles.speeds");
    }

    void step(const DeviceOutput& out) override {
        CUVK_ASSERT(out.vertices != nullptr, "particles write a vertex buffer");
        auto* vertices = static_cast<PointVertex*>(out.vertices);
        const unsigned grid = grid_for(settings_.count, kBlock);
        for (std::uint32_t i = 0; i < out.steps; ++i, ++frame_) {
            step_kernel<<<grid, kBlock, 0, stream_>>>(as<Particle>(particles_), as<float>(speeds_),
                                                      i + 1 == out.steps ? vertices : nullptr,
                                                      flow_at(settings_, frame_), frame_, settings_);
            CUVK_CUDA_LAUNCH("particles::step_kernel");
        }
        if (out.steps == 0) {
            vertex_kernel<<<grid, kBlock, 0, stream_>>>(as<Particle>(particles_), as<float>(speeds_), vertices,
                                                        settings_);
            CUVK_CUDA_LAUNCH("particles::vertex_kernel");
        }
    }

private:
    Settings settings_;
    cudaStream_t stream_;
    DeviceMemory particles_;
    DeviceMemory speeds_;
    std::uint32_t frame_ = 0; // steps taken: the clock of the flow and of the births
};

} // namespace
} // namespace particles

std::unique_ptr<CudaSimulation> make_particles_cuda(const SimulationInfo& info, cudaStream_t stream) {
    return std::make_unique<particles::CudaParticles>(info, stream);
}

} // namespace cuvk::compute
