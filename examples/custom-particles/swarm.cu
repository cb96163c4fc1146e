// The CUDA implementation: state in stream-ordered device memory, one thread per particle.
#include "swarm.cuh"

#include <cuvk/compute/check.hpp>
#include <cuvk/compute/launch.cuh>

__global__ void spawn_kernel(Particle* swarm, std::uint32_t n) {
    const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        swarm[i] = spawn(i);
}

__global__ void advance_kernel(Particle* swarm, cuvk::compute::PointVertex* out, std::uint32_t n, float dt) {
    const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        out[i] = advance(swarm[i], dt);
}

namespace custom_particles {

Particle* swarm_create(std::uint32_t n, cudaStream_t stream) {
    void* swarm = nullptr;
    CUVK_CUDA(cudaMallocAsync(&swarm, n * sizeof(Particle), stream), "swarm");
    spawn_kernel<<<cuvk::compute::grid_for(n, 256), 256, 0, stream>>>(static_cast<Particle*>(swarm), n);
    CUVK_CUDA_LAUNCH("spawn_kernel");
    return static_cast<Particle*>(swarm);
}

void swarm_advance(Particle* swarm, void* out, std::uint32_t n, float dt, cudaStream_t stream) {
    advance_kernel<<<cuvk::compute::grid_for(n, 256), 256, 0, stream>>>(
        swarm, static_cast<cuvk::compute::PointVertex*>(out), n, dt);
    CUVK_CUDA_LAUNCH("advance_kernel");
}

void swarm_destroy(Particle* swarm, cudaStream_t stream) {
    (void)cudaFreeAsync(swarm, stream);
}

} // namespace custom_particles
