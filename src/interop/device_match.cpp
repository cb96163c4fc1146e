#include "cuvk/interop/device_match.hpp"

#include "cuvk/core/error.hpp"

namespace cuvk::interop {

std::optional<int> match_cuda_device(std::span<const CudaDeviceSummary> cuda, const render::Uuid& vulkan_uuid) {
    for (const auto& d : cuda)
        if (d.uuid == vulkan_uuid)
            return d.ordinal;
    return std::nullopt;
}

int pair_cuda_device(std::span<const CudaDeviceSummary> cuda, std::optional<int> forced, const std::string& vulkan_name,
                     const render::Uuid& vulkan_uuid) {
    if (!forced) {
        if (const auto ordinal = match_cuda_device(cuda, vulkan_uuid))
            return *ordinal;
        core::fail(describe_mismatch(cuda, vulkan_name, vulkan_uuid));
    }
    for (const auto& d : cuda) {
        if (d.ordinal != *forced)
            continue;
        if (d.uuid == vulkan_uuid)
            return d.ordinal;
        // Sharing memory between two different GPUs cannot work: the import would fail or, worse, alias garbage.
        core::fail("refusing to pair CUDA device " + std::to_string(d.ordinal) + " (" + d.name + ", " +
                   render::to_hex(d.uuid) + ") with the Vulkan device " + vulkan_name + " (" +
                   render::to_hex(vulkan_uuid) + "): they are different GPUs");
    }
    core::fail_usage("CUDA device " + std::to_string(*forced) + " does not exist (CUDA sees " +
                     std::to_string(cuda.size()) + " device(s))");
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
