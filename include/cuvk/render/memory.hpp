#pragma once
// Device-memory allocation shared by Buffer and Image: one dedicated-or-not allocation per resource.

#include "cuvk/render/context.hpp"
#include "cuvk/render/handles.hpp"

#include <string>

namespace cuvk::render {

struct AllocationInfo {
    VkMemoryRequirements requirements{};      // from vkGet*MemoryRequirements
    VkMemoryPropertyFlags properties = 0;     // e.g. DEVICE_LOCAL or HOST_VISIBLE | HOST_COHERENT
    const void* next = nullptr;               // extra VkMemoryAllocateInfo chain (interop adds its export info)
    VkImage dedicated_image = VK_NULL_HANDLE; // set one of these for a dedicated allocation
    VkBuffer dedicated_buffer = VK_NULL_HANDLE;
    std::string name; // debug name of the resource
};

// Index of the first memory type allowed by type_bits that has all of `properties`; throws naming the resource.
std::uint32_t find_memory_type(const Context& ctx, std::uint32_t type_bits, VkMemoryPropertyFlags properties,
                               const std::string& name);

UniqueMemory allocate_memory(const Context& ctx, const AllocationInfo& info);

} // namespace cuvk::render
