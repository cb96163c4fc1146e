#include "upload_slots.hpp"

#include "cuvk/core/error.hpp"

#include <algorithm>

namespace cuvk::engine {

VkFormat vk_format(compute::PixelFormat format) {
    switch (format) {
    case compute::PixelFormat::rgba8:
        return VK_FORMAT_R8G8B8A8_UNORM;
    case compute::PixelFormat::bgra8:
        return VK_FORMAT_B8G8R8A8_UNORM;
    case compute::PixelFormat::rgba16f:
        return VK_FORMAT_R16G16B16A16_SFLOAT;
    case compute::PixelFormat::rgba32f:
        return VK_FORMAT_R32G32B32A32_SFLOAT;
    case compute::PixelFormat::r32f:
        return VK_FORMAT_R32_SFLOAT;
    }
    return VK_FORMAT_UNDEFINED;
}

UploadSlots UploadSlots::create(const render::Context& ctx, const compute::OutputSpec& output, std::uint32_t slots,
                                const std::string& name) {
    UploadSlots u;
    u.output_ = output;
    u.read_ = draw_read_scope(output.kind);
    const auto& out = output;
    const bool image = out.kind == compute::OutputKind::image && !out.linear; // drawn from an image
    const bool pixels = out.kind == compute::OutputKind::image;               // host rows per level
    const std::size_t bpp = compute::bytes_per_texel(out.format);
    const std::size_t bytes = out.host_bytes();
    for (std::uint32_t s = 0; s < slots; ++s) {
        const std::string slot_name = name + ".slot" + std::to_string(s);
        if (image)
            u.images_.push_back(
                render::Image::create(ctx, {.extent = out.extent,
                                            .format = vk_format(out.format),
                                            .usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                                            .mip_levels = out.mip_levels,
                                            .name = slot_name}));
        else
            u.vertex_buffers_.push_back(render::Buffer::create(
                ctx, {.size = bytes,
                      .usage = VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                               VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                      // storage: the compute splat; uniform texel: a linear image read by the compositor
                      .name = slot_name}));
        u.staging_.push_back(render::Buffer::create(
            ctx, {.size = bytes,
                  .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                  .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                  .name = slot_name + ".staging"}));
    }
    for (std::uint32_t s = 0; s < slots; ++s) {
        u.outputs_.push_back(image ? SlotOutput{.image = &u.images_[s]}
                                   : SlotOutput{.vertices = u.vertex_buffers_[s].get()});
        std::vector<compute::PitchedView<std::byte>> levels;
        for (std::uint32_t l = 0; pixels && l < out.mip_levels; ++l) {
            const auto e = out.level_extent(l);
            levels.push_back({u.staging_[s].mapped().data() + out.host_level_offset(l), e, e.width * bpp});
        }
        u.levels_.push_back(std::move(levels));
    }
    return u;
}

void UploadSlots::record_upload(VkCommandBuffer cmd, std::uint32_t s) const {
    const VkBuffer staging = staging_.at(s).get();
    if (output_.kind == compute::OutputKind::image && !output_.linear) {
        const auto& image = images_.at(s);
        // The previous frame drawn from this slot read it at read_.stage; the upload overwrites all of it.
        render::record_barrier(cmd, {.image = image.get(),
                                     .src_stage = read_.stage,
                                     .dst_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                     .dst_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                     .old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
                                     .new_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL});
        std::vector<VkBufferImageCopy> regions;
        for (std::uint32_t l = 0; l < output_.mip_levels; ++l) {
            const auto e = output_.level_extent(l);
            regions.push_back({.bufferOffset = output_.host_level_offset(l),
                               .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, l, 0, 1},
                               .imageExtent = {e.width, e.height, 1}});
        }
        vkCmdCopyBufferToImage(cmd, staging, image.get(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                               std::uint32_t(regions.size()), regions.data());
        render::record_barrier(cmd, {.image = image.get(),
                                     .src_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                     .src_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                     .dst_stage = read_.stage,
                                     .dst_access = read_.access,
                                     .old_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                                     .new_layout = VK_IMAGE_LAYOUT_GENERAL});
        return;
    }
    render::record_memory_barrier(cmd, read_.stage, VK_ACCESS_2_NONE, VK_PIPELINE_STAGE_2_COPY_BIT,
                                  VK_ACCESS_2_TRANSFER_WRITE_BIT);
    const VkBufferCopy region{0, 0, staging_.at(s).size()};
    vkCmdCopyBuffer(cmd, staging, vertex_buffers_.at(s).get(), 1, &region);
    render::record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT, read_.stage,
                                  read_.access);
}

void UploadProducer::make_uploads() {
    uploads_.clear();
    for (std::size_t o = 0; o < info_.outputs.size(); ++o)
        uploads_.push_back(
            UploadSlots::create(ctx_, info_.outputs[o], info_.slots,
                                info_.outputs.size() == 1 ? info_.name : info_.name + ".output" + std::to_string(o)));
}

} // namespace cuvk::engine
