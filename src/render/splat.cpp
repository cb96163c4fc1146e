#include "cuvk/render/splat.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/render/check.hpp"
#include "pipelines.hpp"
#include "shaders.hpp"

#include <cstring>

namespace cuvk::render {
namespace {

struct Push { // splat.comp, splat_resolve.comp
    std::array<float, 16> view_projection;
    std::int32_t offset[2];
    std::int32_t size[2];
    std::uint32_t count;
    float snap;
};

} // namespace

SplatPass SplatPass::create(const Context& ctx, const SplatPassInfo& info) {
    if (info.max_area.empty())
        core::fail("a splat pass needs an area of at least one pixel", info.name);
    const bool rgba8 = info.target_format == VK_FORMAT_R8G8B8A8_UNORM;
    if (!rgba8 && !ctx.supports_storage_write_without_format())
        core::fail("splatting into a target that is not RGBA8 needs shaderStorageImageWriteWithoutFormat, which " +
                       ctx.device_name() + " lacks",
                   info.name);
    SplatPass s;
    s.ctx_ = &ctx;
    s.info_ = info;
    const VkDescriptorSetLayoutBinding bindings[] = {
        {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        {2, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr}};
    s.set_layout_ = set_layout(ctx, bindings, info.name);
    s.layout_ = pipeline_layout(ctx, s.set_layout_.get(), sizeof(Push), VK_SHADER_STAGE_COMPUTE_BIT, info.name);
    s.splat_pipeline_ = compute_pipeline(ctx, shaders::splat_comp(), s.layout_.get(), info.name + ".splat");
    s.resolve_pipeline_ =
        compute_pipeline(ctx, rgba8 ? shaders::splat_resolve_comp() : shaders::splat_resolve_any_comp(),
                         s.layout_.get(), info.name + ".resolve");
    s.accum_ = Buffer::create(ctx, {.size = VkDeviceSize(info.max_area.pixels()) * 3 * sizeof(std::uint32_t),
                                    .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                    .name = info.name + ".accum"});
    const VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2 * info.max_bindings},
                                          {VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, info.max_bindings}};
    s.pool_ = descriptor_pool(ctx, sizes, info.max_bindings, info.name);
    return s;
}

VkDescriptorSet SplatPass::bind(VkBuffer vertices, const Image& target) {
    const VkDescriptorSet set =
        allocate_set(*ctx_, pool_.get(), set_layout_.get(), info_.name + " (raise SplatPassInfo::max_bindings)");
    const VkDescriptorBufferInfo points{vertices, 0, VK_WHOLE_SIZE};
    const VkDescriptorBufferInfo accum{accum_.get(), 0, VK_WHOLE_SIZE};
    const VkDescriptorImageInfo image{VK_NULL_HANDLE, target.view(), VK_IMAGE_LAYOUT_GENERAL};
    const VkWriteDescriptorSet writes[] = {{.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
                                            .dstSet = set,
                                            .dstBinding = 0,
                                            .descriptorCount = 1,
                                            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                            .pBufferInfo = &points},
                                           {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
                                            .dstSet = set,
                                            .dstBinding = 1,
                                            .descriptorCount = 1,
                                            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                            .pBufferInfo = &accum},
                                           {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
                                            .dstSet = set,
                                            .dstBinding = 2,
                                            .descriptorCount = 1,
                                            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_IMAGE,
                                            .pImageInfo = &image}};
    vkUpdateDescriptorSets(ctx_->device(), 3, writes, 0, nullptr);
    return set;
}

void SplatPass::record(VkCommandBuffer cmd, VkDescriptorSet binding, const VkRect2D& area, std::uint32_t count,
                       const RasterPush& push) const {
    CUVK_ASSERT(area.extent.width <= info_.max_area.width && area.extent.height <= info_.max_area.height,
                "the splat area fits SplatPassInfo::max_area");
    if (area.extent.width == 0 || area.extent.height == 0)
        return;
    const VkPipelineStageFlags2 compute = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT;
    const VkAccessFlags2 rw = VK_ACCESS_2_SHADER_STORAGE_READ_BIT | VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT;
    const VkDeviceSize bytes = VkDeviceSize(area.extent.width) * area.extent.height * 3 * sizeof(std::uint32_t);
    // The previous record's resolve read the accumulators: clear them after it, splat after the clear (a fill is a
    // transfer-stage write).
    record_memory_barrier(cmd, compute, VK_ACCESS_2_SHADER_STORAGE_READ_BIT, VK_PIPELINE_STAGE_2_TRANSFER_BIT,
                          VK_ACCESS_2_TRANSFER_WRITE_BIT);
    vkCmdFillBuffer(cmd, accum_.get(), 0, bytes, 0);
    record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_TRANSFER_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT, compute, rw);
    Push p{.view_projection = push.view_projection,
           .offset = {area.offset.x, area.offset.y},
           .size = {std::int32_t(area.extent.width), std::int32_t(area.extent.height)},
           .count = count,
           .snap = float(1u << ctx_->limits().subPixelPrecisionBits)};
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout_.get(), 0, 1, &binding, 0, nullptr);
    vkCmdPushConstants(cmd, layout_.get(), VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof p, &p);
    if (count > 0) {
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, splat_pipeline_.get());
        vkCmdDispatch(cmd, (count + 255) / 256, 1, 1);
    }
    record_memory_barrier(cmd, compute, rw, compute, rw);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, resolve_pipeline_.get());
    vkCmdDispatch(cmd, (area.extent.width + 15) / 16, (area.extent.height + 15) / 16, 1);
}

} // namespace cuvk::render
