#include "vulkan_import.hpp"

namespace cuvk::interop {
namespace {
constexpr auto kHandleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT;
}

render::Buffer import_buffer(const render::Context& ctx, core::UniqueFd&& fd, const ImportBufferInfo& info) {
    core::require_open_fd(fd, info.name.c_str());
    const VkExternalMemoryBufferCreateInfo external{.sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO,
                                                    .handleTypes = kHandleType};
    const VkImportMemoryFdInfoKHR import{
        .sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR, .handleType = kHandleType, .fd = fd.get()};
    // "Importing memory from a file descriptor transfers ownership of the file descriptor from the application to
    // the Vulkan implementation" (VK_KHR_external_memory_fd): release once the allocation succeeded.
    return render::Buffer::create(ctx, {.size = info.size,
                                        .usage = info.usage,
                                        .memory = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT,
                                        .dedicated = true,
                                        .buffer_next = &external,
                                        .memory_next = &import,
                                        .name = info.name,
                                        .after_allocate = [&fd] { (void)fd.release(); }});
}

render::Image import_image(const render::Context& ctx, core::UniqueFd&& fd, const ImportImageInfo& info) {
    core::require_open_fd(fd, info.name.c_str());
    const VkExternalMemoryImageCreateInfo external{.sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO,
                                                   .handleTypes = kHandleType};
    const VkImportMemoryFdInfoKHR import{
        .sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR, .handleType = kHandleType, .fd = fd.get()};
    return render::Image::create(ctx, {.extent = info.extent,
                                       .format = info.format,
                                       .usage = info.usage,
                                       .mip_levels = info.mip_levels,
                                       .dedicated = true,
                                       .image_next = &external,
                                       .memory_next = &import,
                                       .name = info.name,
                                       .after_allocate = [&fd] { (void)fd.release(); }});
}

} // namespace cuvk::interop
