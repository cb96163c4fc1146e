#include "overlay_target.hpp"

#include "cuvk/core/error.hpp"

namespace cuvk::engine {

void record_frame_copy(VkCommandBuffer cmd, const render::Image& drawn, TargetState& state, VkImage dst) {
    render::record_barrier(cmd, {.image = drawn.get(),
                                 .src_stage = state.last_write.stage,
                                 .src_access = state.last_write.access,
                                 .dst_stage = VK_PIPELINE_STAGE_2_BLIT_BIT,
                                 .dst_access = VK_ACCESS_2_TRANSFER_READ_BIT,
                                 .old_layout = state.layout,
                                 .new_layout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL});
    // Whatever wrote `dst` before (a swapchain image's last present, the previous frame's blit) comes first.
    render::record_barrier(cmd, {.image = dst,
                                 .src_stage = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                                 .src_access = VK_ACCESS_2_MEMORY_WRITE_BIT,
                                 .dst_stage = VK_PIPELINE_STAGE_2_BLIT_BIT,
                                 .dst_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                 .old_layout = VK_IMAGE_LAYOUT_UNDEFINED, // every pixel is overwritten
                                 .new_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL});
    render::record_blit(cmd, drawn, dst);
    // The next draw only writes (it may discard), but must not start before the blit has read the image.
    state = {.layout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
             .last_write = {VK_PIPELINE_STAGE_2_BLIT_BIT, VK_ACCESS_2_NONE}};
}

void OverlayTarget::record_end_frame(VkCommandBuffer cmd, core::FrameIndex k, std::uint32_t image, TargetState& state) {
    if (draw_ && (!active_ || active_())) {
        render::record_barrier(cmd, {.image = inner_.images()[image]->get(),
                                     .src_stage = state.last_write.stage,
                                     .src_access = state.last_write.access,
                                     .dst_stage = scope_.stage,
                                     .dst_access = scope_.access,
                                     .old_layout = state.layout,
                                     .new_layout = layout_});
        draw_(cmd, image);
        state = {.layout = layout_, .last_write = scope_};
    }
    inner_.record_end_frame(cmd, k, image, state);
}

CopyThroughTarget::CopyThroughTarget(const render::Context& ctx, Target& inner) : ForwardingTarget(inner) {
    CUVK_ASSERT(inner.images().size() == 1, "the copy path writes into a target of one image");
    image_ = render::Image::create(ctx, {.extent = inner.extent(),
                                         .format = VK_FORMAT_R8G8B8A8_UNORM,
                                         .usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
                                                  VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                                         .name = "copy-path.frame"});
    image_ptr_ = &image_;
}

void CopyThroughTarget::record_end_frame(VkCommandBuffer cmd, core::FrameIndex k, std::uint32_t, TargetState& state) {
    record_frame_copy(cmd, image_, state, inner_.images().front()->get());
    inner_state_ = {.layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                    .last_write = {VK_PIPELINE_STAGE_2_BLIT_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT}};
    inner_.record_end_frame(cmd, k, 0, inner_state_);
}

} // namespace cuvk::engine
