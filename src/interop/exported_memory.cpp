#include "cuvk/interop/exported_memory.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/render/check.hpp"

namespace cuvk::interop {
namespace {

constexpr auto kHandleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT;

void require_memory_fd(const render::Context& ctx, const std::string& name) {
    if (!ctx.has_device_extension(VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME))
        core::fail("the context was created without " VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME
                   " (use interop::with_interop_extensions)",
                   name);
}

void require_exportable(VkExternalMemoryFeatureFlags features, const render::Context& ctx, const char* what,
                        const std::string& name) {
    if (!(features & VK_EXTERNAL_MEMORY_FEATURE_EXPORTABLE_BIT))
        core::fail(std::string("the Vulkan device cannot export ") + what + " memory as an opaque fd (" +
                       ctx.device_name() + ")",
                   name);
}

} // namespace

core::UniqueFd export_memory_fd(const render::Context& ctx, VkDeviceMemory memory, const std::string& name) {
    const auto get_fd = reinterpret_cast<PFN_vkGetMemoryFdKHR>(ctx.device_proc("vkGetMemoryFdKHR"));
    const VkMemoryGetFdInfoKHR info{
        .sType = VK_STRUCTURE_TYPE_MEMORY_GET_FD_INFO_KHR, .memory = memory, .handleType = kHandleType};
    int fd = -1;
    CUVK_VK(get_fd(ctx.device(), &info, &fd), name);
    return core::UniqueFd(fd);
}

ExportedBuffer ExportedBuffer::create(const render::Context& ctx, const ExportedBufferInfo& info) {
    require_memory_fd(ctx, info.name);
    const VkPhysicalDeviceExternalBufferInfo query{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_BUFFER_INFO,
                                                   .usage = info.usage,
                                                   .handleType = kHandleType};
    VkExternalBufferProperties props{.sType = VK_STRUCTURE_TYPE_EXTERNAL_BUFFER_PROPERTIES};
    vkGetPhysicalDeviceExternalBufferProperties(ctx.physical_device(), &query, &props);
    require_exportable(props.externalMemoryProperties.externalMemoryFeatures, ctx, "buffer", info.name);
    if (!info.dedicated &&
        (props.externalMemoryProperties.externalMemoryFeatures & VK_EXTERNAL_MEMORY_FEATURE_DEDICATED_ONLY_BIT))
        core::fail("the Vulkan device exports buffer memory only from dedicated allocations (" + ctx.device_name() +
                       ")",
                   info.name);

    const VkExternalMemoryBufferCreateInfo external{.sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO,
                                                    .handleTypes = kHandleType};
    const VkExportMemoryAllocateInfo export_info{.sType = VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO,
                                                 .handleTypes = kHandleType};
    ExportedBuffer out;
    out.ctx_ = &ctx;
    out.dedicated_ = info.dedicated;
    out.buffer_ = render::Buffer::create(ctx, {.size = info.size,
                                               .usage = info.usage,
                                               .memory = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT,
                                               .dedicated = info.dedicated,
                                               .buffer_next = &external,
                                               .memory_next = &export_info,
                                               .name = info.name});
    return out;
}

core::UniqueFd ExportedBuffer::export_fd() const {
    return export_memory_fd(*ctx_, buffer_.memory(), buffer_.name());
}

ExportedImage ExportedImage::create(const render::Context& ctx, const ExportedImageInfo& info) {
    require_memory_fd(ctx, info.name);
    render::check_image_extent(ctx, info.extent, info.name);
    const VkPhysicalDeviceExternalImageFormatInfo external_query{
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO, .handleType = kHandleType};
    const VkPhysicalDeviceImageFormatInfo2 query{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2,
                                                 .pNext = &external_query,
                                                 .format = info.format,
                                                 .type = VK_IMAGE_TYPE_2D,
                                                 .tiling = VK_IMAGE_TILING_OPTIMAL,
                                                 .usage = info.usage};
    VkExternalImageFormatProperties external_props{.sType = VK_STRUCTURE_TYPE_EXTERNAL_IMAGE_FORMAT_PROPERTIES};
    VkImageFormatProperties2 props{.sType = VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2, .pNext = &external_props};
    const VkResult r = vkGetPhysicalDeviceImageFormatProperties2(ctx.physical_device(), &query, &props);
    if (r == VK_ERROR_FORMAT_NOT_SUPPORTED)
        core::fail("the Vulkan device does not support exportable images of format " +
                       std::to_string(int(info.format)) + " with the requested usage (" + ctx.device_name() + ")",
                   info.name);
    CUVK_VK(r, info.name);
    require_exportable(external_props.externalMemoryProperties.externalMemoryFeatures, ctx, "image", info.name);

    const VkExternalMemoryImageCreateInfo external{.sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO,
                                                   .handleTypes = kHandleType};
    const VkExportMemoryAllocateInfo export_info{.sType = VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO,
                                                 .handleTypes = kHandleType};
    ExportedImage out;
    out.ctx_ = &ctx;
    out.image_ = render::Image::create(ctx, {.extent = info.extent,
                                             .format = info.format,
                                             .usage = info.usage,
                                             .mip_levels = info.mip_levels,
                                             .dedicated = true,
                                             .image_next = &external,
                                             .memory_next = &export_info,
                                             .name = info.name});
    return out;
}

core::UniqueFd ExportedImage::export_fd() const {
    return export_memory_fd(*ctx_, image_.memory(), image_.name());
}

} // namespace cuvk::interop
