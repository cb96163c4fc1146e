#include "cuvk/render/image.hpp"

#include "cuvk/render/check.hpp"
#include "cuvk/render/memory.hpp"
#include "sharing.hpp"

#include <algorithm>
#include <bit>
#include <utility>

namespace cuvk::render {

std::uint32_t bytes_per_texel(VkFormat format) {
    switch (format) {
    case VK_FORMAT_R8G8B8A8_UNORM:
    case VK_FORMAT_R8G8B8A8_SRGB:
    case VK_FORMAT_B8G8R8A8_UNORM:
    case VK_FORMAT_B8G8R8A8_SRGB:
    case VK_FORMAT_R32_SFLOAT:
    case VK_FORMAT_D32_SFLOAT:
        return 4;
    case VK_FORMAT_R16G16B16A16_SFLOAT:
        return 8;
    case VK_FORMAT_R32G32B32A32_SFLOAT:
        return 16;
    default:
        core::fail("unsupported image format " + std::to_string(int(format)));
    }
}

VkImageAspectFlags aspect_of(VkFormat format) {
    switch (format) {
    case VK_FORMAT_D16_UNORM:
    case VK_FORMAT_D32_SFLOAT:
        return VK_IMAGE_ASPECT_DEPTH_BIT;
    default:
        return VK_IMAGE_ASPECT_COLOR_BIT;
    }
}

void check_image_extent(const Context& ctx, core::Extent2D extent, const std::string& name) {
    const auto max = ctx.limits().maxImageDimension2D;
    if (extent.empty())
        core::fail_usage("image " + name + ": size " + core::to_string(extent) + " has a zero side");
    if (extent.width > max || extent.height > max)
        core::fail_usage("image " + name + ": size " + core::to_string(extent) + " exceeds the device's " +
                         "maxImageDimension2D of " + std::to_string(max) + " (" + ctx.device_name() + ")");
}

namespace {

UniqueImageView create_view(const Context& ctx, VkImage image, VkFormat format, std::uint32_t levels,
                            const std::string& name) {
    const VkImageViewCreateInfo view_info{
        .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
        .image = image,
        .viewType = VK_IMAGE_VIEW_TYPE_2D,
        .format = format,
        .subresourceRange = {aspect_of(format), 0, levels, 0, 1},
    };
    VkImageView view = VK_NULL_HANDLE;
    CUVK_VK(vkCreateImageView(ctx.device(), &view_info, nullptr, &view), name);
    ctx.set_name(VK_OBJECT_TYPE_IMAGE_VIEW, view, name + ".view");
    return UniqueImageView(view, {ctx.device()});
}

} // namespace

Image Image::create(const Context& ctx, const ImageInfo& info) {
    check_image_extent(ctx, info.extent, info.name);
    const std::uint32_t max_levels = std::bit_width(std::max(info.extent.width, info.extent.height));
    if (info.mip_levels == 0 || info.mip_levels > max_levels)
        core::fail("mip level count " + std::to_string(info.mip_levels) + " outside 1.." + std::to_string(max_levels),
                   info.name);
    Image out;
    out.name_ = info.name;
    out.extent_ = info.extent;
    out.format_ = info.format;
    out.mip_levels_ = info.mip_levels;

    const Sharing sharing = sharing_of(info.concurrent);
    const VkImageCreateInfo create{.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
                                   .pNext = info.image_next,
                                   .imageType = VK_IMAGE_TYPE_2D,
                                   .format = info.format,
                                   .extent = {info.extent.width, info.extent.height, 1},
                                   .mipLevels = info.mip_levels,
                                   .arrayLayers = 1,
                                   .samples = VK_SAMPLE_COUNT_1_BIT,
                                   .tiling = VK_IMAGE_TILING_OPTIMAL,
                                   .usage = info.usage,
                                   .sharingMode = sharing.mode,
                                   .queueFamilyIndexCount = std::uint32_t(sharing.families.size()),
                                   .pQueueFamilyIndices = sharing.families.data(),
                                   .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED};
    VkImage image = VK_NULL_HANDLE;
    CUVK_VK(vkCreateImage(ctx.device(), &create, nullptr, &image), info.name);
    out.image_ = UniqueImage(image, {ctx.device()});
    ctx.set_name(VK_OBJECT_TYPE_IMAGE, image, info.name);

    VkMemoryRequirements reqs{};
    vkGetImageMemoryRequirements(ctx.device(), image, &reqs);
    out.allocation_size_ = reqs.size;
    out.memory_ = allocate_memory(ctx, {.requirements = reqs,
                                        .properties = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT,
                                        .next = info.memory_next,
                                        .dedicated_image = info.dedicated ? image : VK_NULL_HANDLE,
                                        .name = info.name});
    if (info.after_allocate)
        info.after_allocate();
    CUVK_VK(vkBindImageMemory(ctx.device(), image, out.memory_.get(), 0), info.name);

    out.handle_ = image;
    out.view_ = create_view(ctx, image, info.format, info.mip_levels, info.name);
    return out;
}

Image::Image(Image&& other) noexcept
    : memory_(std::move(other.memory_)), image_(std::move(other.image_)), view_(std::move(other.view_)),
      handle_(std::exchange(other.handle_, VK_NULL_HANDLE)), allocation_size_(std::exchange(other.allocation_size_, 0)),
      extent_(std::exchange(other.extent_, {})), format_(std::exchange(other.format_, VK_FORMAT_UNDEFINED)),
      mip_levels_(std::exchange(other.mip_levels_, 1)), name_(std::move(other.name_)) {}

Image& Image::operator=(Image&& other) noexcept {
    if (this != &other) {
        // The view, then the image, then its memory: the order of the destructor.
        view_.reset();
        image_.reset();
        memory_.reset();
        memory_ = std::move(other.memory_);
        image_ = std::move(other.image_);
        view_ = std::move(other.view_);
        handle_ = std::exchange(other.handle_, VK_NULL_HANDLE);
        allocation_size_ = std::exchange(other.allocation_size_, 0);
        extent_ = std::exchange(other.extent_, {});
        format_ = std::exchange(other.format_, VK_FORMAT_UNDEFINED);
        mip_levels_ = std::exchange(other.mip_levels_, 1);
        name_ = std::move(other.name_);
    }
    return *this;
}

Image Image::wrap(const Context& ctx, VkImage image, core::Extent2D extent, VkFormat format, const std::string& name) {
    Image out;
    out.name_ = name;
    out.extent_ = extent;
    out.format_ = format;
    out.handle_ = image;
    ctx.set_name(VK_OBJECT_TYPE_IMAGE, image, name);
    out.view_ = create_view(ctx, image, format, 1, name);
    return out;
}

void record_barrier(VkCommandBuffer cmd, const ImageBarrier& b) {
    const VkImageMemoryBarrier2 barrier{
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2,
        .srcStageMask = b.src_stage,
        .srcAccessMask = b.src_access,
        .dstStageMask = b.dst_stage,
        .dstAccessMask = b.dst_access,
        .oldLayout = b.old_layout,
        .newLayout = b.new_layout,
        .srcQueueFamilyIndex = b.src_family,
        .dstQueueFamilyIndex = b.dst_family,
        .image = b.image,
        .subresourceRange = {b.aspect, 0, VK_REMAINING_MIP_LEVELS, 0, VK_REMAINING_ARRAY_LAYERS}};
    const VkDependencyInfo dep{
        .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO, .imageMemoryBarrierCount = 1, .pImageMemoryBarriers = &barrier};
    vkCmdPipelineBarrier2(cmd, &dep);
}

void record_blit(VkCommandBuffer cmd, const Image& src, VkImage dst) {
    const core::Extent2D e = src.extent();
    const VkImageBlit2 region{.sType = VK_STRUCTURE_TYPE_IMAGE_BLIT_2,
                              .srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
                              .srcOffsets = {{0, 0, 0}, {std::int32_t(e.width), std::int32_t(e.height), 1}},
                              .dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
                              .dstOffsets = {{0, 0, 0}, {std::int32_t(e.width), std::int32_t(e.height), 1}}};
    const VkBlitImageInfo2 blit{.sType = VK_STRUCTURE_TYPE_BLIT_IMAGE_INFO_2,
                                .srcImage = src.get(),
                                .srcImageLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                                .dstImage = dst,
                                .dstImageLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                                .regionCount = 1,
                                .pRegions = &region,
                                .filter = VK_FILTER_NEAREST};
    vkCmdBlitImage2(cmd, &blit);
}

void record_memory_barrier(VkCommandBuffer cmd, VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access,
                           VkPipelineStageFlags2 dst_stage, VkAccessFlags2 dst_access) {
    const VkMemoryBarrier2 barrier{.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER_2,
                                   .srcStageMask = src_stage,
                                   .srcAccessMask = src_access,
                                   .dstStageMask = dst_stage,
                                   .dstAccessMask = dst_access};
    const VkDependencyInfo dep{
        .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO, .memoryBarrierCount = 1, .pMemoryBarriers = &barrier};
    vkCmdPipelineBarrier2(cmd, &dep);
}

} // namespace cuvk::render
