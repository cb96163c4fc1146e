#pragma once
// The CUDA device that is the same GPU as a Vulkan context's physical device, found by UUID.

#include "cuvk/interop/device_match.hpp"

#include <optional>
#include <string>
#include <vector>

namespace cuvk::interop {

struct CudaDeviceList {
    std::vector<CudaDeviceSummary> devices;
    std::string unavailable; // why CUDA offers no device (no driver, built without CUDA, ...); empty when it answered
    int driver_version = 0;  // cudaDriverGetVersion (e.g. 13000 for 13.0), 0 when unknown
    int runtime_version = 0; // cudaRuntimeGetVersion, 0 when unknown
};

// Every CUDA device the runtime sees (honours CUDA_VISIBLE_DEVICES). Never throws for a missing driver or device.
CudaDeviceList list_cuda_devices();

struct CudaDevice {
    int ordinal = -1;
    std::string name;
};

// The CUDA device whose UUID equals ctx's deviceUUID (or `forced`, which must have it), made current on the calling
// thread (cudaSetDevice). Throws naming the Vulkan device and the CUDA device(s) when the pairing fails.
CudaDevice select_cuda_device(const render::Context& ctx, std::optional<int> forced = std::nullopt);

// Makes CUDA device `ordinal` current; throws naming it when it does not exist.
CudaDevice use_cuda_device(int ordinal);

// Makes `ordinal` the calling thread's current CUDA device for a scope and restores the previous one at its end
// (also by exception), so creating shared objects leaves the caller's current device as it was.
class ScopedCudaDevice {
public:
    ScopedCudaDevice(int ordinal, const std::string& name);
    ~ScopedCudaDevice();
    ScopedCudaDevice(const ScopedCudaDevice&) = delete;
    ScopedCudaDevice& operator=(const ScopedCudaDevice&) = delete;

private:
    int previous_ = -1;
};

} // namespace cuvk::interop
