#include "captures.hpp"

#include "cuvk/core/error.hpp"

#include <algorithm>
#include <utility>

namespace cuvk::engine {

Captures::Captures(const render::Context& ctx, core::Extent2D extent, std::uint32_t buffers, const std::string& name)
    : extent_(extent) {
    if (buffers > 16)
        core::fail("a target keeps at most 16 readback buffers", name);
    for (std::uint32_t i = 0; i < buffers; ++i)
        buffers_.push_back(render::Buffer::create(
            ctx, {.size = extent.pixels() * 4,
                  .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                  .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                  .name = name + ".readback" + std::to_string(i)}));
    holds_.assign(buffers, std::nullopt);
    bgra_.assign(buffers, false);
}

bool Captures::can_capture() const {
    return std::any_of(holds_.begin(), holds_.end(), [](const auto& h) { return !h; });
}

bool Captures::record(VkCommandBuffer cmd, core::FrameIndex k, const render::Image& image, TargetState& state) {
    const auto free = std::find_if(holds_.begin(), holds_.end(), [](const auto& h) { return !h; });
    if (free == holds_.end())
        return false;
    CUVK_ASSERT(image.extent() == extent_, "a capture copies an image of the size its buffers were made for");
    const std::size_t b = std::size_t(free - holds_.begin());
    render::record_barrier(cmd, {.image = image.get(),
                                 .src_stage = state.last_write.stage,
                                 .src_access = state.last_write.access,
                                 .dst_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                 .dst_access = VK_ACCESS_2_TRANSFER_READ_BIT,
                                 .old_layout = state.layout,
                                 .new_layout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL});
    render::record_image_to_buffer(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffers_[b].get());
    render::record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                  VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
    // The next write must not start before the copy has read the image.
    state = {.layout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
             .last_write = {VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_NONE}};
    holds_[b] = k;
    bgra_[b] = image.format() == VK_FORMAT_B8G8R8A8_UNORM;
    return true;
}

void Captures::retire(core::FrameIndex k, const std::function<void(core::FrameIndex, render::Pixels&&)>& deliver) {
    for (std::size_t b = 0; b < holds_.size(); ++b) {
        if (holds_[b] != k)
            continue;
        holds_[b].reset();
        if (!deliver)
            continue;
        const auto mapped = buffers_[b].mapped();
        render::Pixels pixels{.extent = extent_, .bytes_per_pixel = 4};
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(mapped.data());
        pixels.bytes.assign(bytes, bytes + extent_.pixels() * 4);
        if (bgra_[b])
            for (std::size_t i = 0; i < pixels.bytes.size(); i += 4)
                std::swap(pixels.bytes[i], pixels.bytes[i + 2]);
        deliver(k, std::move(pixels));
    }
}

} // namespace cuvk::engine
