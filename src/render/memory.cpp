#include "cuvk/render/memory.hpp"

#include "cuvk/render/check.hpp"

namespace cuvk::render {

std::uint32_t find_memory_type(const Context& ctx, std::uint32_t type_bits, VkMemoryPropertyFlags properties,
                               const std::string& name) {
    VkPhysicalDeviceMemoryProperties mem{};
    vkGetPhysicalDeviceMemoryProperties(ctx.physical_device(), &mem);
    for (std::uint32_t i = 0; i < mem.memoryTypeCount; ++i)
        if ((type_bits & (1u << i)) && (mem.memoryTypes[i].propertyFlags & properties) == properties)
            return i;
    core::fail("no memory type with properties 0x" + std::to_string(properties) + " among allowed types 0x" +
                   std::to_string(type_bits),
               name);
}

UniqueMemory allocate_memory(const Context& ctx, const AllocationInfo& info) {
    const VkMemoryDedicatedAllocateInfo dedicated{.sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO,
                                                  .pNext = info.next,
                                                  .image = info.dedicated_image,
                                                  .buffer = info.dedicated_buffer};
    const bool is_dedicated = info.dedicated_image != VK_NULL_HANDLE || info.dedicated_buffer != VK_NULL_HANDLE;
    const VkMemoryAllocateInfo alloc{
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .pNext = is_dedicated ? &dedicated : info.next,
        .allocationSize = info.requirements.size,
        .memoryTypeIndex = find_memory_type(ctx, info.requirements.memoryTypeBits, info.properties, info.name)};
    VkDeviceMemory memory = VK_NULL_HANDLE;
    CUVK_VK(vkAllocateMemory(ctx.device(), &alloc, nullptr, &memory), info.name);
    UniqueMemory owner(memory, {ctx.device()});
    ctx.set_name(VK_OBJECT_TYPE_DEVICE_MEMORY, memory, info.name + ".memory");
    return owner;
}

} // namespace cuvk::render
