#pragma once
// The particles sample: a million points advected by curl noise (particles.cuh has the math).

#include "compute/sample.hpp"

#include <memory>

namespace cuvk::compute {

extern const SampleSpec kParticles;

#if defined(CUVK_HAS_CUDA)
std::unique_ptr<Simulation> make_particles_cuda(const SimulationInfo& info, cudaStream_t stream);
#endif

} // namespace cuvk::compute
