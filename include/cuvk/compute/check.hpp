#pragma once
// The CUDA check: every cudaError_t in cuvk goes through CUVK_CUDA, which clears the sticky error state with
// cudaGetLastError() and throws core::Error naming the call, the error by name and the object.
// After each kernel launch, CUVK_CUDA_LAUNCH(kernel_name) checks the launch.

#include "cuvk/core/error.hpp"
#include "cuvk/core/fault_injection.hpp"

#include <cuda_runtime_api.h>
#include <source_location>
#include <string_view>

namespace cuvk::compute {

void check_cuda(cudaError_t result, std::string_view call, std::string_view object,
                std::source_location where = std::source_location::current());

} // namespace cuvk::compute

// An injected failure (core::FaultInjection) skips the call and reports cudaErrorMemoryAllocation.
#define CUVK_CUDA(expr, name)                                                                                          \
    ::cuvk::compute::check_cuda(::cuvk::core::inject_failure() ? cudaErrorMemoryAllocation : (expr), #expr, (name))
#define CUVK_CUDA_LAUNCH(kernel) ::cuvk::compute::check_cuda(cudaGetLastError(), "launch " kernel, kernel)
