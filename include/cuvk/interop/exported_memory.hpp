#pragma once
// The Vulkan half of sharing memory: buffers and images created with export info, each in a dedicated allocation,
// whose memory can be exported as an opaque POSIX fd (VK_KHR_external_memory_fd).
//
// ExportedBuffer / ExportedImage own the render::Buffer / render::Image; the Context must outlive them. Each
// export_fd() returns a new fd referring to the same memory; whoever imports it owns it after a successful import.

#include "cuvk/core/unique_fd.hpp"
#include "cuvk/render/buffer.hpp"
#include "cuvk/render/image.hpp"

#include <string>

namespace cuvk::interop {

struct ExportedBufferInfo {
    VkDeviceSize size = 0; // bytes, > 0
    VkBufferUsageFlags usage =
        VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    std::string name;      // debug name, used in errors
    bool dedicated = true; // a dedicated allocation (DESIGN.md); false tries a plain one (conformance checks)
};

class ExportedBuffer {
public:
    ExportedBuffer() = default;
    static ExportedBuffer create(const render::Context& ctx, const ExportedBufferInfo& info);

    const render::Buffer& buffer() const noexcept { return buffer_; }
    VkBuffer get() const noexcept { return buffer_.get(); }
    core::UniqueFd export_fd() const;
    bool dedicated() const noexcept { return dedicated_; }

private:
    const render::Context* ctx_ = nullptr;
    render::Buffer buffer_;
    bool dedicated_ = true;
};

struct ExportedImageInfo {
    core::Extent2D extent; // pixels
    VkFormat format = VK_FORMAT_R8G8B8A8_UNORM;
    VkImageUsageFlags usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_SAMPLED_BIT |
                              VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    std::uint32_t mip_levels = 1;
    std::string name; // debug name, used in errors
};

class ExportedImage {
public:
    ExportedImage() = default;
    static ExportedImage create(const render::Context& ctx, const ExportedImageInfo& info);

    const render::Image& image() const noexcept { return image_; }
    VkImage get() const noexcept { return image_.get(); }
    core::UniqueFd export_fd() const;

private:
    const render::Context* ctx_ = nullptr;
    render::Image image_;
};

// Exports the opaque fd of a memory object allocated with VkExportMemoryAllocateInfo.
core::UniqueFd export_memory_fd(const render::Context& ctx, VkDeviceMemory memory, const std::string& name);

} // namespace cuvk::interop
