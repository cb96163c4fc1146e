#include "overlay_target.hpp"

#include "cuvk/render/image.hpp"

namespace cuvk::engine {

void OverlayTarget::record_end_frame(VkCommandBuffer cmd, core::FrameIndex k, std::uint32_t image,
                                     TargetState& state) {
    if (draw_) {
        const StageScope write{VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
                               VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT};
        render::record_barrier(cmd, {.image = inner_.images()[image]->get(),
                                     .src_stage = state.last_write.stage,
                                     .src_access = state.last_write.access,
                                     .dst_stage = write.stage,
                                     .dst_access = write.access,
                                     .old_layout = state.layout,
                                     .new_layout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL});
        draw_(cmd, image);
        state = {.layout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                 .last_write = {VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT, VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT}};
    }
    inner_.record_end_frame(cmd, k, image, state);
}

} // namespace cuvk::engine
