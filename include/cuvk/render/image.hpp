#pragma once
// cuvk::render::Image — a 2D VkImage with its own memory and a view of all its mip levels.
//
// Owns: memory, image, view (destroyed view → image → memory). The Context must outlive it.
// The image starts in VK_IMAGE_LAYOUT_UNDEFINED; its user records the first transition.

#include "cuvk/core/types.hpp"
#include "cuvk/render/context.hpp"
#include "cuvk/render/handles.hpp"

#include <functional>
#include <string>
#include <vector>

namespace cuvk::render {

struct ImageInfo {
    core::Extent2D extent; // pixels, both > 0 and within the device's limits
    VkFormat format = VK_FORMAT_R8G8B8A8_UNORM;
    VkImageUsageFlags usage = 0;  // e.g. STORAGE | SAMPLED | TRANSFER_SRC
    std::uint32_t mip_levels = 1; // 1..floor(log2(max(w, h))) + 1
    bool dedicated = false;       // one allocation for this image alone
    // Queue families that use it with no ownership transfers (VK_SHARING_MODE_CONCURRENT) when two or more differ;
    // otherwise exclusive to the family that uses it.
    std::vector<core::QueueFamily> concurrent;
    const void* image_next = nullptr;  // extra VkImageCreateInfo chain
    const void* memory_next = nullptr; // extra VkMemoryAllocateInfo chain
    std::string name;                  // debug name, used in errors
    // Called once the memory is allocated, before anything else can fail: an importer releases its fd here, since
    // the allocation owns it from then on.
    std::function<void()> after_allocate;
};

class Image {
public:
    Image() = default;
    // Move-only; a moved-from Image is empty (no handle, no view).
    Image(Image&& other) noexcept;
    Image& operator=(Image&& other) noexcept;
    Image(const Image&) = delete;
    Image& operator=(const Image&) = delete;
    ~Image() = default;
    static Image create(const Context& ctx, const ImageInfo& info);
    // A view of an image someone else owns (a swapchain's): this object owns only the view, and `image` must
    // outlive it. One mip level.
    static Image wrap(const Context& ctx, VkImage image, core::Extent2D extent, VkFormat format,
                      const std::string& name);

    VkImage get() const noexcept { return handle_; }
    VkImageView view() const noexcept { return view_.get(); }
    VkDeviceMemory memory() const noexcept { return memory_.get(); }
    // Size of the allocation from VkMemoryRequirements: what an importer of this memory must be told.
    VkDeviceSize allocation_size() const noexcept { return allocation_size_; }
    core::Extent2D extent() const noexcept { return extent_; }
    VkFormat format() const noexcept { return format_; }
    std::uint32_t mip_levels() const noexcept { return mip_levels_; }
    const std::string& name() const noexcept { return name_; }

private:
    // Destroyed in reverse of this order: the view, then the image, then its memory (Vulkan lets memory be freed
    // while bound, but cuvk never leaves an image bound to freed memory). Created image → memory → view, so the
    // memory is declared first although it is allocated second.
    UniqueMemory memory_;
    UniqueImage image_;
    UniqueImageView view_;
    VkImage handle_ = VK_NULL_HANDLE; // image_'s, or the wrapped one
    VkDeviceSize allocation_size_ = 0;
    core::Extent2D extent_;
    VkFormat format_ = VK_FORMAT_UNDEFINED;
    std::uint32_t mip_levels_ = 1;
    std::string name_;
};

// Bytes per texel of the formats cuvk uses (RGBA8, BGRA8, RGBA16F, RGBA32F, R32F); throws for others.
std::uint32_t bytes_per_texel(VkFormat format);

// DEPTH for depth formats, else COLOR.
VkImageAspectFlags aspect_of(VkFormat format);

// Throws a usage error naming the limit when extent exceeds maxImageDimension2D; call before allocating.
void check_image_extent(const Context& ctx, core::Extent2D extent, const std::string& name);

// A full-subresource image memory barrier (synchronization2).
struct ImageBarrier {
    VkImage image = VK_NULL_HANDLE;
    VkPipelineStageFlags2 src_stage = VK_PIPELINE_STAGE_2_NONE;
    VkAccessFlags2 src_access = VK_ACCESS_2_NONE;
    VkPipelineStageFlags2 dst_stage = VK_PIPELINE_STAGE_2_NONE;
    VkAccessFlags2 dst_access = VK_ACCESS_2_NONE;
    VkImageLayout old_layout = VK_IMAGE_LAYOUT_UNDEFINED;
    VkImageLayout new_layout = VK_IMAGE_LAYOUT_GENERAL;
    std::uint32_t src_family = VK_QUEUE_FAMILY_IGNORED;
    std::uint32_t dst_family = VK_QUEUE_FAMILY_IGNORED;
    VkImageAspectFlags aspect = VK_IMAGE_ASPECT_COLOR_BIT;
};
void record_barrier(VkCommandBuffer cmd, const ImageBarrier& barrier);

// Copies level 0 of `src` (TRANSFER_SRC_OPTIMAL) over level 0 of `dst` (TRANSFER_DST_OPTIMAL), same size, converting
// the format where they differ (RGBA8 into a BGRA8 swapchain image). Barriers are the caller's.
void record_blit(VkCommandBuffer cmd, const Image& src, VkImage dst);

// A global memory barrier (synchronization2) for buffers and everything else.
void record_memory_barrier(VkCommandBuffer cmd, VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access,
                           VkPipelineStageFlags2 dst_stage, VkAccessFlags2 dst_access);

} // namespace cuvk::render
