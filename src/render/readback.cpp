#include "cuvk/render/readback.hpp"

#include "cuvk/core/atomic_file.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/render/buffer.hpp"
#include "cuvk/render/check.hpp"
#include "cuvk/render/commands.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#define STBI_WRITE_NO_STDIO // PNGs are written through core::AtomicFile, never by stb's unchecked fwrite
#include <stb/stb_image_write.h>
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#include <stb/stb_image.h>

namespace cuvk::render {

void record_image_to_buffer(VkCommandBuffer cmd, const Image& image, VkImageLayout layout, VkBuffer buffer,
                            std::uint32_t level) {
    const core::Extent2D e = core::mip_extent(image.extent(), level);
    const VkBufferImageCopy region{
        .bufferOffset = 0,
        .bufferRowLength = 0,
        .bufferImageHeight = 0,
        .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, level, 0, 1},
        .imageOffset = {0, 0, 0},
        .imageExtent = {e.width, e.height, 1},
    };
    vkCmdCopyImageToBuffer(cmd, image.get(), layout, buffer, 1, &region);
}

Pixels read_image(const Context& ctx, const Image& image, const ReadbackInfo& info) {
    const std::uint32_t bpp = bytes_per_texel(image.format());
    const core::Extent2D extent = core::mip_extent(image.extent(), info.mip_level);
    const std::uint64_t bytes = extent.pixels() * bpp;
    if (bytes > kMaxReadbackBytes)
        core::fail("reading back " + core::to_string(extent) + " needs " + std::to_string(bytes >> 20) +
                       " MiB of host memory, over the limit of " + std::to_string(kMaxReadbackBytes >> 20) +
                       " MiB (kMaxReadbackBytes)",
                   image.name());
    const auto staging =
        Buffer::create(ctx, {.size = bytes,
                             .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                             .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                             .name = image.name() + ".readback"});
    // Copy from TRANSFER_SRC_OPTIMAL (drivers prefer it over GENERAL) and return the image to its layout after.
    const VkImageLayout copy_layout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    submit_and_wait(
        ctx,
        [&](VkCommandBuffer cmd) {
            record_barrier(cmd, {.image = image.get(),
                                 .src_stage = info.after_stage,
                                 .src_access = info.after_access,
                                 .dst_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                 .dst_access = VK_ACCESS_2_TRANSFER_READ_BIT,
                                 .old_layout = info.layout,
                                 .new_layout = copy_layout});
            record_image_to_buffer(cmd, image, copy_layout, staging.get(), info.mip_level);
            record_barrier(cmd, {.image = image.get(),
                                 .src_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                 .src_access = VK_ACCESS_2_NONE,
                                 .dst_stage = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                                 .dst_access = VK_ACCESS_2_NONE,
                                 .old_layout = copy_layout,
                                 .new_layout = info.layout});
            record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                  VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
        },
        image.name() + ".readback");
    Pixels out{.extent = extent, .bytes_per_pixel = bpp};
    const auto mapped = staging.mapped();
    out.bytes.resize(mapped.size());
    std::memcpy(out.bytes.data(), mapped.data(), mapped.size());
    return out;
}

void write_png(const std::string& path, const Pixels& pixels) {
    if (pixels.extent.empty() || pixels.extent.pixels() > kMaxPngPixels)
        core::fail("write_png: " + core::to_string(pixels.extent) + " is empty or more than " +
                       std::to_string(kMaxPngPixels) + " pixels (kMaxPngPixels)",
                   path);
    if (pixels.bytes_per_pixel != 4 || pixels.bytes.size() != pixels.extent.pixels() * 4)
        core::fail("write_png takes tightly packed RGBA8 pixels", path);
    // Encode in memory, then write through core::AtomicFile: stb's own file output ignores failed fwrite and fclose
    // calls, so a full disk would have left a truncated PNG that looked written.
    std::string encoded;
    const int ok = stbi_write_png_to_func(
        [](void* context, void* data, int size) {
            static_cast<std::string*>(context)->append(static_cast<const char*>(data), std::size_t(size));
        },
        &encoded, int(pixels.extent.width), int(pixels.extent.height), 4, pixels.bytes.data(),
        int(pixels.extent.width * 4));
    if (!ok)
        core::fail("could not encode the PNG (out of memory)", path);
    core::write_file_atomically(path, encoded);
}

Pixels read_png(const std::string& path) {
    // Ask for the size first, so that a huge (or hostile) header is refused before anything is allocated for it.
    int w = 0, h = 0, n = 0;
    if (!stbi_info(path.c_str(), &w, &h, &n))
        core::fail(std::string("could not read the PNG file: ") + stbi_failure_reason(), path);
    if (std::uint64_t(w) * std::uint64_t(h) > kMaxPngPixels)
        core::fail("the PNG file is " + std::to_string(w) + "x" + std::to_string(h) + ", more than " +
                       std::to_string(kMaxPngPixels) + " pixels (kMaxPngPixels)",
                   path);
    stbi_uc* data = stbi_load(path.c_str(), &w, &h, &n, 4);
    if (!data)
        core::fail(std::string("could not read the PNG file: ") + stbi_failure_reason(), path);
    Pixels out{.extent = {std::uint32_t(w), std::uint32_t(h)}, .bytes_per_pixel = 4};
    out.bytes.assign(data, data + std::size_t(w) * h * 4);
    stbi_image_free(data);
    return out;
}

} // namespace cuvk::render
