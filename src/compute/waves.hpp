#pragma once
// The waves sample: raindrops on a pond, the 2D wave equation drawn as a height-field mesh (waves.cuh has the math).

#include "compute/sample.hpp"

#include <memory>

namespace cuvk::compute {

extern const SampleSpec kWaves;

#if defined(CUVK_HAS_CUDA)
std::unique_ptr<Simulation> make_waves_cuda(const SimulationInfo& info, cudaStream_t stream);
#endif

} // namespace cuvk::compute
