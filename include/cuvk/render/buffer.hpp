#pragma once
// cuvk::render::Buffer — a VkBuffer with its own memory, optionally persistently mapped.
//
// Owns: memory and buffer (destroyed buffer → memory). The Context must outlive it.

#include "cuvk/render/context.hpp"
#include "cuvk/render/handles.hpp"

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace cuvk::render {

struct BufferInfo {
    VkDeviceSize size = 0;                                              // bytes, > 0
    VkBufferUsageFlags usage = 0;                                       // e.g. TRANSFER_SRC | STORAGE_BUFFER
    VkMemoryPropertyFlags memory = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT; // HOST_VISIBLE buffers are mapped
    bool dedicated = false;                                             // one allocation for this buffer alone
    // Queue families that use it with no ownership transfers (VK_SHARING_MODE_CONCURRENT) when two or more differ;
    // otherwise exclusive to the family that uses it.
    std::vector<core::QueueFamily> concurrent;
    const void* buffer_next = nullptr; // extra VkBufferCreateInfo chain
    const void* memory_next = nullptr; // extra VkMemoryAllocateInfo chain
    std::string name;                  // debug name, used in errors
    // Called once the memory is allocated, before anything else can fail: an importer releases its fd here, since
    // the allocation owns it from then on.
    std::function<void()> after_allocate;
};

class Buffer {
public:
    Buffer() = default;
    static Buffer create(const Context& ctx, const BufferInfo& info);

    VkBuffer get() const noexcept { return buffer_.get(); }
    VkDeviceMemory memory() const noexcept { return memory_.get(); }
    VkDeviceSize size() const noexcept { return size_; }
    // Size of the allocation (>= size()): what an importer of this memory must be told.
    VkDeviceSize allocation_size() const noexcept { return allocation_size_; }
    const std::string& name() const noexcept { return name_; }
    // Host pointer of a HOST_VISIBLE buffer (coherent or flushed by the caller), else empty.
    std::span<std::byte> mapped() const noexcept { return {static_cast<std::byte*>(mapped_), mapped_ ? size_ : 0}; }

private:
    // Destroyed in reverse of this order: the buffer, then its memory (bound and maybe mapped). Created buffer →
    // memory, so the memory is declared first although it is allocated second.
    UniqueMemory memory_;
    UniqueBuffer buffer_;
    void* mapped_ = nullptr; // unmapped implicitly by vkFreeMemory
    VkDeviceSize size_ = 0;
    VkDeviceSize allocation_size_ = 0;
    std::string name_;
};

} // namespace cuvk::render
