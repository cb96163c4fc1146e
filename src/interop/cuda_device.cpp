#include "cuvk/interop/cuda_device.hpp"

#include "cuvk/compute/check.hpp"

#include <algorithm>
#include <cuda_runtime_api.h>

namespace cuvk::interop {

CudaDeviceList list_cuda_devices() {
    CudaDeviceList out;
    if (cudaDriverGetVersion(&out.driver_version) != cudaSuccess ||
        cudaRuntimeGetVersion(&out.runtime_version) != cudaSuccess)
        (void)cudaGetLastError(); // versions are information only
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
        CudaDeviceSummary s{.ordinal = i,
                            .name = prop.name,
                            .pci_domain = prop.pciDomainID,
                            .pci_bus = prop.pciBusID,
                            .pci_device = prop.pciDeviceID};
        std::copy_n(reinterpret_cast<const std::uint8_t*>(prop.uuid.bytes), s.uuid.size(), s.uuid.begin());
        out.devices.push_back(std::move(s));
    }
    if (out.devices.empty())
        out.unavailable = "CUDA reports 0 devices";
    return out;
}

CudaDevice select_cuda_device(const render::Context& ctx, std::optional<int> forced) {
    const auto list = list_cuda_devices();
    if (!list.unavailable.empty())
        core::fail(list.unavailable, ctx.device_name());
    const int ordinal = pair_cuda_device(list.devices, forced, ctx.device_name(), ctx.device_uuid());
    const auto& device = list.devices[std::size_t(ordinal)];
    CUVK_CUDA(cudaSetDevice(ordinal), device.name);
    return {ordinal, device.name};
}

CudaDevice use_cuda_device(int ordinal) {
    const auto list = list_cuda_devices();
    if (!list.unavailable.empty())
        core::fail(list.unavailable);
    if (ordinal < 0 || std::size_t(ordinal) >= list.devices.size())
        core::fail_usage("CUDA device " + std::to_string(ordinal) + " does not exist (CUDA sees " +
                         std::to_string(list.devices.size()) + " device(s))");
    CUVK_CUDA(cudaSetDevice(ordinal), list.devices[std::size_t(ordinal)].name);
    return {ordinal, list.devices[std::size_t(ordinal)].name};
}

ScopedCudaDevice::ScopedCudaDevice(int ordinal, const std::string& name) {
    CUVK_CUDA(cudaGetDevice(&previous_), name);
    if (previous_ != ordinal)
        CUVK_CUDA(cudaSetDevice(ordinal), name);
}

ScopedCudaDevice::~ScopedCudaDevice() {
    (void)cudaSetDevice(previous_);
}

} // namespace cuvk::interop
