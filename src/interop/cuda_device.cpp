#include "interop/cuda_device.hpp"

#include "compute/check.hpp"

#include <algorithm>
#include <cuda_runtime_api.h>

namespace cuvk::interop {

CudaDeviceList list_cuda_devices() {
    CudaDeviceList out;
    int count = 0;
    const cudaError_t r = cudaGetDeviceCount(&count);
    if (r != cudaSuccess) {
        (void)cudaGetLastError();
        out.unavailable = std::string("CUDA reports no usable device: cudaGetDeviceCount returned ") +
                          cudaGetErrorName(r) + " (" + cudaGetErrorString(r) + ")";
        return out;
    }
    for (int i = 0; i < count; ++i) {
        cudaDeviceProp prop{};
        CUVK_CUDA(cudaGetDeviceProperties(&prop, i), "CUDA device " + std::to_string(i));
        CudaDeviceSummary s{.ordinal = i, .name = prop.name};
        std::copy_n(reinterpret_cast<const std::uint8_t*>(prop.uuid.bytes), s.uuid.size(), s.uuid.begin());
        out.devices.push_back(std::move(s));
    }
    if (out.devices.empty())
        out.unavailable = "CUDA reports 0 devices";
    return out;
}

CudaDevice select_cuda_device(const render::Context& ctx) {
    const auto list = list_cuda_devices();
    if (!list.unavailable.empty())
        core::fail(list.unavailable, ctx.device_name());
    const auto ordinal = match_cuda_device(list.devices, ctx.device_uuid());
    if (!ordinal)
        core::fail(describe_mismatch(list.devices, ctx.device_name(), ctx.device_uuid()));
    CUVK_CUDA(cudaSetDevice(*ordinal), list.devices[std::size_t(*ordinal)].name);
    return {*ordinal, list.devices[std::size_t(*ordinal)].name};
}

} // namespace cuvk::interop
