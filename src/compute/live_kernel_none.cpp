// live_kernel.hpp without CUDA: there is nothing to compile a kernel for.

#include "cuvk/compute/live_kernel.hpp"

#include "cuvk/core/error.hpp"

namespace cuvk::compute {

std::unique_ptr<LiveKernel> make_live_kernel(const LiveKernelInfo& info) {
    core::fail("cuvk was built without CUDA: live kernels need it", info.file.string());
}

} // namespace cuvk::compute
