#pragma once
// The fractal sample: a Mandelbrot zoom written into every mip level of an RGBA8 image (fractal.cuh has the math).

#include "sample_impl.hpp"

#include <memory>

namespace cuvk::compute {

extern const SampleDef kFractal;

std::unique_ptr<CudaSimulation> make_fractal_cuda(const SimulationInfo& info, CudaStream stream);

} // namespace cuvk::compute
