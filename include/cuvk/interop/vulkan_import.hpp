#pragma once
// Importing exported memory into another VkDevice (on the same physical device, or a second Vulkan context in
// the same process): the Vulkan-only path, which is what lavapipe can test without CUDA.
//
// The fd is taken by rvalue and released only once vkAllocateMemory has imported it; on any failure before that the
// UniqueFd closes it — unless the driver took it although the import failed (the number then no longer refers to
// what was given): it is left alone and the error says so. An empty or closed fd is refused before the driver sees
// it. Throws core::Error.

#include "cuvk/core/unique_fd.hpp"
#include "cuvk/render/buffer.hpp"
#include "cuvk/render/image.hpp"

namespace cuvk::interop {

struct ImportBufferInfo {
    VkDeviceSize size = 0; // must equal the exporter's buffer size
    VkBufferUsageFlags usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    std::string name;
};
render::Buffer import_buffer(const render::Context& ctx, core::UniqueFd&& fd, const ImportBufferInfo& info);

struct ImportImageInfo {
    core::Extent2D extent; // must equal the exporter's image
    VkFormat format = VK_FORMAT_R8G8B8A8_UNORM;
    VkImageUsageFlags usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_SAMPLED_BIT |
                              VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    std::uint32_t mip_levels = 1;
    std::string name;
};
render::Image import_image(const render::Context& ctx, core::UniqueFd&& fd, const ImportImageInfo& info);

} // namespace cuvk::interop
