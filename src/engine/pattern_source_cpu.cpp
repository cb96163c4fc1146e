#include "compute/pattern.hpp"
#include "engine/pattern_source.hpp"
#include "render/buffer.hpp"
#include "render/check.hpp"
#include "render/image.hpp"

namespace cuvk::engine {
namespace {

// The CPU reference writes a host-visible staging buffer; a transfer copies it into a device-local image.
class CpuSource final : public PatternSource {
public:
    CpuSource(const render::Context& ctx, core::Extent2D extent)
        : staging_(render::Buffer::create(ctx, {.size = extent.pixels() * 4,
                                                .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                                                .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                          VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                                                .name = "pattern.staging"})),
          image_(render::Image::create(ctx, {.extent = extent,
                                             .usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                                             .name = "pattern.cpu"})) {}

    VkImageView view() const override { return image_.view(); }

    std::vector<render::SemaphoreSubmit> produce(std::uint32_t frame) override {
        const auto extent = image_.extent();
        compute::fill_rgba8_cpu({reinterpret_cast<std::uint32_t*>(staging_.mapped().data()), extent,
                                 extent.width * sizeof(std::uint32_t)},
                                frame);
        return {};
    }

    void record_before_read(VkCommandBuffer cmd) const override {
        const auto extent = image_.extent();
        render::record_barrier(cmd, {.image = image_.get(),
                                     .src_stage = first_ ? VK_PIPELINE_STAGE_2_NONE : VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                     .dst_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                     .dst_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                     .old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
                                     .new_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL});
        const VkBufferImageCopy region{.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
                                       .imageExtent = {extent.width, extent.height, 1}};
        vkCmdCopyBufferToImage(cmd, staging_.get(), image_.get(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
        render::record_barrier(cmd, {.image = image_.get(),
                                     .src_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                     .src_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                     .dst_stage = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                     .dst_access = VK_ACCESS_2_SHADER_SAMPLED_READ_BIT,
                                     .old_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                                     .new_layout = VK_IMAGE_LAYOUT_GENERAL});
        first_ = false;
    }

    void record_after_read(VkCommandBuffer) const override {}

private:
    render::Buffer staging_;
    render::Image image_;
    mutable bool first_ = true;
};

} // namespace

std::unique_ptr<PatternSource> make_cpu_source(const render::Context& ctx, core::Extent2D extent) {
    return std::make_unique<CpuSource>(ctx, extent);
}

} // namespace cuvk::engine
