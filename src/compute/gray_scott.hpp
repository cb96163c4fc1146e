#pragma once
// The gray-scott sample: Gray-Scott reaction-diffusion on a periodic grid of one cell per output pixel, shown as an
// RGBA8 image coloured by the concentration v; the pointer paints seeds (left button) and erases (right). Math in
// gray_scott.cuh; CPU reference and the SampleDef in gray_scott_cpu.cpp; kernels and the CUDA simulation (substeps
// replayed as one CUDA graph) in gray_scott.cu.

#include "sample_impl.hpp"

#include <memory>

namespace cuvk::compute {

extern const SampleDef kGrayScott;

// The CUDA simulation: state in stream-ordered memory allocated on `stream`; each step() replays the substeps of
// each of the frame's out.steps steps (one CUDA graph per step, captured once here) and colours the state into
// out.levels[0], all enqueued on `stream`.
std::unique_ptr<CudaSimulation> make_gray_scott_cuda(const SimulationInfo& info, CudaStream stream);

} // namespace cuvk::compute
