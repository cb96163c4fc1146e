#include "cuvk/interop/vulkan_import.hpp"

#include "cuvk/core/error.hpp"

namespace cuvk::interop {
namespace {

constexpr auto kHandleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT;

// Runs `import`; when it throws, the fd is closed only if it still refers to what was given (a driver that took it on
// a failed import, against VK_KHR_external_memory_fd, may already have reused the number).
template <class Import> auto guarded_import(core::UniqueFd& fd, const std::string& name, Import import) {
    core::require_open_fd(fd, name.c_str());
    const auto before = core::identity_of(fd);
    try {
        return import();
    } catch (const core::Error& e) {
        if (core::keep_if_still_ours(fd, before))
            throw;
        auto info = e.info();
        info.note += std::string(info.note.empty() ? "" : "; ") +
                     "the driver took the fd although the import failed (it was not closed again)";
        throw core::Error(std::move(info), e.where());
    }
}

} // namespace

render::Buffer import_buffer(const render::Context& ctx, core::UniqueFd&& fd, const ImportBufferInfo& info) {
    return guarded_import(fd, info.name, [&] {
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
    });
}

render::Image import_image(const render::Context& ctx, core::UniqueFd&& fd, const ImportImageInfo& info) {
    return guarded_import(fd, info.name, [&] {
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
    });
}

} // namespace cuvk::interop
