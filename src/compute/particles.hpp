#pragma once
// The particles sample: a million points advected by curl noise (particles.cuh has the math).

#include "sample_impl.hpp"

#include <memory>

namespace cuvk::compute {

extern const SampleDef kParticles;

std::unique_ptr<CudaSimulation> make_particles_cuda(const SimulationInfo& info, CudaStream stream);

} // namespace cuvk::compute
