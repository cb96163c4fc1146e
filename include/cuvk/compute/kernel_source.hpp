#pragma once
// cuvk::compute::parse_kernel_source — reads the annotations of a live kernel (CUDA C++ source compiled at run time,
// issue "live kernels"): what it writes, which function to launch, its parameters and launch shape, so that the
// viewer's panel and the CLI can offer the parameters before anything is compiled. Plain C++: no CUDA needed.
//
// Annotations are line comments anywhere in the source, one per line:
//   // @kernel NAME                     the extern "C" __global__ function to launch (default: step)
//   // @output FORMAT                   rgba8 (default), bgra8, rgba16f, rgba32f or r32f: the frame's image
//   // @param float NAME DEFAULT MIN MAX ["help"]   a parameter (also: int, whole numbers only)
//   // @block X Y                       threads per block (default 16 16; X*Y at most 1024)
//   // @state TYPE                      per-pixel state kept between launches: float, float2 or float4, two buffers
//                                       (read the last launch's, write this one's; swapped after each launch)
// The kernel is launched over the output's pixels (as many times per frame as the frame's steps, FrameContext) as
//   extern "C" __global__ void NAME(cudaSurfaceObject_t out, int width, int height, unsigned frame, float time,
//                                   [const TYPE* state_in, TYPE* state_out,]   <- with @state only
//                                   <each parameter in declaration order: float or int>)
// (state starts zeroed; the image is written by the launch's surface writes, the last launch's stay.)
// Checks (each names its line): unknown or malformed annotations, a second @kernel/@output/@block, parameter names
// that are not identifiers or repeat, defaults outside [min, max], int parameters that are not whole, more than 32
// parameters, and a source that defines no `extern "C" __global__ void NAME(`.
// Throws core::Error (a usage error) listing every problem found, one per line: "kernel.cu:12: ...".

#include "cuvk/compute/simulation.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cuvk::compute {

struct KernelSource {
    std::string text;            // the source as given
    std::string kernel = "step"; // the function launched
    PixelFormat format = PixelFormat::rgba8;
    std::vector<ParamSpec> params; // declaration order = launch argument order
    std::uint32_t block_x = 16, block_y = 16;
    std::uint32_t state_floats = 0; // @state: floats per pixel (1, 2 or 4); 0: no state
};

inline constexpr std::size_t kMaxKernelParams = 32;

// One problem with a kernel source: from these checks, or from its compiler (kernel_compiler.hpp).
struct CompileError {
    std::uint32_t line = 0; // 1-based line of the kernel source; 0 when none applies (or NVRTC named none)
    std::string message;    // what is wrong ("identifier \"x\" is undefined")
};

// `name` is used in messages (a file name, or "<editor>").
KernelSource parse_kernel_source(const std::string& text, const std::string& name = "kernel.cu");
// The same checks with every problem appended to `problems` instead of thrown (an editor lists them by line); the
// source returned is usable only when none was added.
KernelSource parse_kernel_source(const std::string& text, std::vector<CompileError>& problems);

} // namespace cuvk::compute
