#pragma once
// Reading images back to the host, and writing them to PNG.

#include "cuvk/core/types.hpp"
#include "cuvk/render/context.hpp"
#include "cuvk/render/image.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cuvk::render {

// Tightly packed pixels of one mip level as the host sees them (RGBA8: 4 bytes per pixel, rows top to bottom).
struct Pixels {
    core::Extent2D extent;
    std::uint32_t bytes_per_pixel = 4;
    std::vector<std::uint8_t> bytes;
};

struct ReadbackInfo {
    VkImageLayout layout = VK_IMAGE_LAYOUT_GENERAL;                           // layout the image is in (and stays in)
    VkPipelineStageFlags2 after_stage = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT; // last writer's stage
    VkAccessFlags2 after_access = VK_ACCESS_2_MEMORY_WRITE_BIT;               // last writer's access
    std::uint32_t mip_level = 0;
};

// Largest readback read_image makes: one 16384x16384 RGBA32F level. Checked before the staging buffer is made.
inline constexpr std::uint64_t kMaxReadbackBytes = 4ull << 30;

// Most pixels write_png writes and read_png reads: 16384x16384 (1 GiB of RGBA8). stb's codec counts bytes in int, so
// the raw rows of a larger image would overflow it; checking the count keeps every size it computes below 2^31.
inline constexpr std::uint64_t kMaxPngPixels = 16384ull * 16384;

// Copies one mip level of `image` into host memory (one-shot submit, waits); refuses more than kMaxReadbackBytes.
Pixels read_image(const Context& ctx, const Image& image, const ReadbackInfo& info = {});

// Records the copy of `image` (mip level `level`, in `layout`) into `buffer` (tightly packed) into cmd, with the
// barriers around it for the transfer; the caller has made the image's writes available before this.
void record_image_to_buffer(VkCommandBuffer cmd, const Image& image, VkImageLayout layout, VkBuffer buffer,
                            std::uint32_t level = 0);

// Writes RGBA8 pixels to a PNG file through core::AtomicFile: encoded in memory, written to "<path>.tmp", every
// write, the fsync and the close checked, then renamed into place. A failure (a full disk, say) leaves neither a
// file under `path` nor the temporary, and throws naming `path`. More than kMaxPngPixels is refused.
void write_png(const std::string& path, const Pixels& pixels);

// Reads a PNG file as RGBA8. Throws naming the path; a header over kMaxPngPixels is refused before decoding.
Pixels read_png(const std::string& path);

} // namespace cuvk::render
