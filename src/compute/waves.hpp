#pragma once
// The waves sample: raindrops on a pond, the 2D wave equation drawn as a height-field mesh (waves.cuh has the math).

#include "sample_impl.hpp"

#include <memory>

namespace cuvk::compute {

extern const SampleDef kWaves;

std::unique_ptr<CudaSimulation> make_waves_cuda(const SimulationInfo& info, CudaStream stream);

} // namespace cuvk::compute
