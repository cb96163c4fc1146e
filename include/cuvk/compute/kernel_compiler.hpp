#pragma once
// cuvk::compute::compile_kernel — compiles a live kernel's source (kernel_source.hpp) with NVRTC into a CUBIN for one
// GPU architecture, off any frame loop (it takes tens to hundreds of milliseconds). No GPU is needed to compile.
// NVRTC is loaded at run time (libnvrtc.so.13: the loader's paths, then $CUDA_HOME/lib64 and /usr/local/cuda/lib64),
// so programs that never compile a kernel do not depend on it.
// A compile error is a value (CompileResult::errors, with the line of the source each one names), not an exception:
// the viewer shows it and keeps the last good kernel. Throws core::Error: a usage error for options NVRTC refuses
// (an unknown architecture, say); a runtime error when NVRTC cannot be loaded or fails for another reason than the
// source. CUDA builds only.

#include "cuvk/compute/kernel_source.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cuvk::compute {

struct KernelCompileOptions {
    std::string arch = "sm_90";       // the GPU's compute capability (e.g. from cudaDeviceProp: "sm_" + major + minor)
    bool fast_math = false;           // --use_fast_math
    std::vector<std::string> defines; // "NAME" or "NAME=VALUE"
};

struct CompileResult {
    bool ok = false;
    std::vector<char> cubin;          // the code for cuLibraryLoadData (when ok)
    std::vector<CompileError> errors; // when not ok
    std::string log;                  // NVRTC's whole log (warnings too)
    double milliseconds = 0.0;        // how long the compile took
};

// `name` is the file name NVRTC's messages carry (the source's, or "<editor>").
CompileResult compile_kernel(const KernelSource& source, const KernelCompileOptions& options = {},
                             const std::string& name = "kernel.cu");

} // namespace cuvk::compute
