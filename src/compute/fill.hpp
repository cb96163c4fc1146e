#pragma once
// The fill sample: no simulation, a test pattern of the frame number written over an RGBA8 image each frame
// (pattern.cuh has the math) — what the ring, the handoff and the display cost on their own (cuvk-bench).

#include "sample_impl.hpp"

#include <memory>

namespace cuvk::compute {

extern const SampleDef kFill;

std::unique_ptr<CudaSimulation> make_fill_cuda(const SimulationInfo& info, CudaStream stream);

} // namespace cuvk::compute
