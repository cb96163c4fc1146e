#include "cuvk/render/buffer.hpp"

#include "cuvk/render/check.hpp"
#include "cuvk/render/memory.hpp"
#include "sharing.hpp"

namespace cuvk::render {

Buffer Buffer::create(const Context& ctx, const BufferInfo& info) {
    if (info.size == 0)
        core::fail("a buffer of size 0 was requested", info.name);
    const Sharing sharing = sharing_of(info.concurrent);
    const VkBufferCreateInfo create{.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
                                    .pNext = info.buffer_next,
                                    .size = info.size,
                                    .usage = info.usage,
                                    .sharingMode = sharing.mode,
                                    .queueFamilyIndexCount = std::uint32_t(sharing.families.size()),
                                    .pQueueFamilyIndices = sharing.families.data()};
    Buffer out;
    out.name_ = info.name;
    out.size_ = info.size;
    VkBuffer buffer = VK_NULL_HANDLE;
    CUVK_VK(vkCreateBuffer(ctx.device(), &create, nullptr, &buffer), info.name);
    out.buffer_ = UniqueBuffer(buffer, {ctx.device()});
    ctx.set_name(VK_OBJECT_TYPE_BUFFER, buffer, info.name);

    VkMemoryRequirements reqs{};
    vkGetBufferMemoryRequirements(ctx.device(), buffer, &reqs);
    out.allocation_size_ = reqs.size;
    out.memory_ = allocate_memory(ctx, {.requirements = reqs,
                                        .properties = info.memory,
                                        .next = info.memory_next,
                                        .dedicated_buffer = info.dedicated ? buffer : VK_NULL_HANDLE,
                                        .name = info.name});
    if (info.after_allocate)
        info.after_allocate();
    CUVK_VK(vkBindBufferMemory(ctx.device(), buffer, out.memory_.get(), 0), info.name);
    if (info.memory & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT)
        CUVK_VK(vkMapMemory(ctx.device(), out.memory_.get(), 0, VK_WHOLE_SIZE, 0, &out.mapped_), info.name);
    return out;
}

} // namespace cuvk::render
