#include "cuvk/engine/target.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/render/image.hpp"

namespace cuvk::engine {

OffscreenTarget::OffscreenTarget(const render::Context& ctx, const OffscreenTargetInfo& info)
    : info_(info), owned_(std::make_unique<Owned>()) {
    if (info_.readbacks < 1 || info_.readbacks > 8)
        core::fail("OffscreenTarget: readbacks must be 1..8", info_.name);
    render::check_image_extent(ctx, info_.extent, "target");
    owned_->image =
        render::Image::create(ctx, {.extent = info_.extent,
                                    .format = VK_FORMAT_R8G8B8A8_UNORM,
                                    .usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
                                             VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                                    .name = info_.name});
    image_ptr_ = &owned_->image;
    if (info_.capture)
        for (std::uint32_t i = 0; i < info_.readbacks; ++i)
            owned_->readbacks.push_back(render::Buffer::create(
                ctx, {.size = info_.extent.pixels() * 4,
                      .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                      .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                      .name = info_.name + ".readback" + std::to_string(i)}));
    holds_.assign(owned_->readbacks.size(), std::nullopt);
}

void OffscreenTarget::record_end_frame(VkCommandBuffer cmd, core::FrameIndex k, std::uint32_t, TargetState& state) {
    if (!info_.capture || !info_.capture(k))
        return;
    const std::size_t b = k.value % owned_->readbacks.size();
    CUVK_ASSERT(!holds_[b], "a capture needs a free readback buffer: raise OffscreenTargetInfo::readbacks");
    render::record_barrier(cmd, {.image = owned_->image.get(),
                                 .src_stage = state.last_write.stage,
                                 .src_access = state.last_write.access,
                                 .dst_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                 .dst_access = VK_ACCESS_2_TRANSFER_READ_BIT,
                                 .old_layout = state.layout,
                                 .new_layout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL});
    render::record_image_to_buffer(cmd, owned_->image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                                   owned_->readbacks[b].get());
    render::record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                  VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
    // The next draw only writes (it may discard), but must not start before the copy has read the image.
    state = {.layout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
             .last_write = {VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_NONE}};
    holds_[b] = k;
}

void OffscreenTarget::on_retired(core::FrameIndex k) {
    if (owned_->readbacks.empty())
        return;
    const std::size_t b = k.value % owned_->readbacks.size();
    if (holds_[b] != k)
        return;
    holds_[b].reset();
    if (!info_.on_capture)
        return;
    const auto mapped = owned_->readbacks[b].mapped();
    render::Pixels pixels{.extent = info_.extent, .bytes_per_pixel = 4};
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(mapped.data());
    pixels.bytes.assign(bytes, bytes + mapped.size());
    info_.on_capture(k, std::move(pixels));
}

} // namespace cuvk::engine
