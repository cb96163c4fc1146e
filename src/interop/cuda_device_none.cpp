// The CUDA device list of a build without CUDA: always unavailable, with the reason.
#include "cuvk/interop/cuda_device.hpp"

#include "cuvk/core/error.hpp"

namespace cuvk::interop {

CudaDeviceList list_cuda_devices() {
    return {.unavailable = "cuvk was built without CUDA (nvcc was not found)"};
}

CudaDevice select_cuda_device(const render::Context& ctx, std::optional<int>) {
    core::fail("cuvk was built without CUDA (nvcc was not found)", ctx.device_name());
}

CudaDevice use_cuda_device(int) {
    core::fail("cuvk was built without CUDA (nvcc was not found)");
}

} // namespace cuvk::interop
