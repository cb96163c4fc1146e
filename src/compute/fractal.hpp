#pragma once
// The fractal sample: a Mandelbrot zoom written into every mip level of an RGBA8 image (fractal.cuh has the math).

#include "compute/sample.hpp"

#include <memory>

namespace cuvk::compute {

extern const SampleSpec kFractal;

#if defined(CUVK_HAS_CUDA)
std::unique_ptr<Simulation> make_fractal_cuda(const SimulationInfo& info, cudaStream_t stream);
#endif

} // namespace cuvk::compute
