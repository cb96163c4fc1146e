#pragma once
// Pairing a Vulkan physical device with a CUDA device by UUID (VkPhysicalDeviceIDProperties::deviceUUID equals
// cudaDeviceProp::uuid for the same GPU). Pure logic, so that it is tested with made-up UUID lists.

#include "cuvk/render/context.hpp"

#include <optional>
#include <span>
#include <string>

namespace cuvk::interop {

struct CudaDeviceSummary {
    int ordinal = 0; // CUDA device index, as CUDA_VISIBLE_DEVICES presents it
    std::string name;
    render::Uuid uuid{};
    int pci_domain = 0, pci_bus = 0, pci_device = 0; // cudaDeviceProp's PCI location
};

// The CUDA ordinal whose UUID equals `vulkan_uuid`, if any.
std::optional<int> match_cuda_device(std::span<const CudaDeviceSummary> cuda, const render::Uuid& vulkan_uuid);

// The CUDA ordinal to pair with the Vulkan device: the one with its UUID, or `forced` when given, which must then
// have that UUID. Throws naming both devices (and their UUIDs) when the pairing is refused.
int pair_cuda_device(std::span<const CudaDeviceSummary> cuda, std::optional<int> forced, const std::string& vulkan_name,
                     const render::Uuid& vulkan_uuid);

// A sentence naming the Vulkan device and every CUDA device with their UUIDs, for the error when none matches.
std::string describe_mismatch(std::span<const CudaDeviceSummary> cuda, const std::string& vulkan_name,
                              const render::Uuid& vulkan_uuid);

} // namespace cuvk::interop
