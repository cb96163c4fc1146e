#include "interop/device_match.hpp"

namespace cuvk::interop {

std::optional<int> match_cuda_device(std::span<const CudaDeviceSummary> cuda, const render::Uuid& vulkan_uuid) {
    for (const auto& d : cuda)
        if (d.uuid == vulkan_uuid)
            return d.ordinal;
    return std::nullopt;
}

std::string describe_mismatch(std::span<const CudaDeviceSummary> cuda, const std::string& vulkan_name,
                              const render::Uuid& vulkan_uuid) {
    std::string out = "no CUDA device has the UUID of the Vulkan device " + vulkan_name + " (" +
                      render::to_hex(vulkan_uuid) + "); CUDA devices: ";
    if (cuda.empty())
        return out + "none";
    for (std::size_t i = 0; i < cuda.size(); ++i)
        out += (i ? ", " : "") + std::to_string(cuda[i].ordinal) + ": " + cuda[i].name + " (" +
               render::to_hex(cuda[i].uuid) + ")";
    return out;
}

} // namespace cuvk::interop
