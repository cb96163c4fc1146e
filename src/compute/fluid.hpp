#pragma once
// The fluid sample: 2D stable fluids (Stam) on a closed box of one cell per output pixel, stirred by orbiting jets
// that emit coloured dye, shown as an RGBA16F image of the dye; the pointer pushes the fluid (and, with the left
// button, leaves white dye). Math in fluid.cuh; CPU reference, the jets' forcing and the SampleDef in fluid_cpu.cpp;
// kernels and the CUDA simulation (advection through bilinear texture fetches) in fluid.cu.

#include "sample_impl.hpp"

#include <memory>

namespace cuvk::compute {

extern const SampleDef kFluid;

// The CUDA simulation: state in stream-ordered memory allocated on `stream`, read by advection through texture
// objects; each step() enqueues one frame on `stream` and writes the dye into out.levels[0] (RGBA16F).
std::unique_ptr<CudaSimulation> make_fluid_cuda(const SimulationInfo& info, CudaStream stream);

} // namespace cuvk::compute
