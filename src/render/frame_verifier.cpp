#include "cuvk/render/frame_verifier.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/render/check.hpp"
#include "pipelines.hpp"
#include "shaders.hpp"

#include <algorithm>
#include <cstring>

namespace cuvk::render {
namespace {

struct Push { // verify.comp
    std::uint32_t frame, window, width, height;
};

// good, old, corrupt, pad, then the totals: verified, torn, stale, corrupt (verify.comp, verify_tally.comp).
constexpr std::size_t kCountWords = 8;
constexpr std::uint32_t kGroup = 16;

// The image pipeline of `format` (core::StressFormat's order), -1 for a format the verifier does not read.
int verify_format_index(VkFormat format) {
    switch (format) {
    case VK_FORMAT_R8G8B8A8_UNORM:
        return 0;
    case VK_FORMAT_B8G8R8A8_UNORM:
        return 1;
    case VK_FORMAT_R16G16B16A16_SFLOAT:
        return 2;
    case VK_FORMAT_R32G32B32A32_SFLOAT:
        return 3;
    case VK_FORMAT_R32_SFLOAT:
        return 4;
    default:
        return -1;
    }
}

} // namespace

FrameVerifier FrameVerifier::create(const Context& ctx, const FrameVerifierInfo& info) {
    if (info.window < 1 || info.window > 16)
        core::fail("FrameVerifier: window must be 1..16", info.name);
    FrameVerifier v;
    v.ctx_ = &ctx;
    v.info_ = info;
    const VkDescriptorSetLayoutBinding bindings[] = {
        {0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr}};
    v.set_layout_ = set_layout(ctx, bindings, info.name);
    v.layout_ = pipeline_layout(ctx, v.set_layout_.get(), sizeof(Push), VK_SHADER_STAGE_COMPUTE_BIT, info.name);
    v.image_pipelines_[0] = compute_pipeline(ctx, shaders::verify_comp(), v.layout_.get(), info.name + ".rgba8");
    if (ctx.supports_storage_read_without_format()) // BGRA8 has no GLSL format qualifier
        v.image_pipelines_[1] =
            compute_pipeline(ctx, shaders::verify_any_comp(), v.layout_.get(), info.name + ".bgra8");
    v.image_pipelines_[2] =
        compute_pipeline(ctx, shaders::verify_rgba16f_comp(), v.layout_.get(), info.name + ".rgba16f");
    v.image_pipelines_[3] =
        compute_pipeline(ctx, shaders::verify_rgba32f_comp(), v.layout_.get(), info.name + ".rgba32f");
    v.image_pipelines_[4] = compute_pipeline(ctx, shaders::verify_r32f_comp(), v.layout_.get(), info.name + ".r32f");
    v.buffer_pipeline_ = compute_pipeline(ctx, shaders::verify_buffer_comp(), v.layout_.get(), info.name + ".buffer");
    v.tally_pipeline_ = compute_pipeline(ctx, shaders::verify_tally_comp(), v.layout_.get(), info.name + ".tally");
    v.delay_pipeline_ = compute_pipeline(ctx, shaders::verify_delay_comp(), v.layout_.get(), info.name + ".delay");
    v.counts_ =
        Buffer::create(ctx, {.size = kCountWords * sizeof(std::uint32_t),
                             .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                             .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                             .name = info.name + ".counts"});
    std::memset(v.counts_.mapped().data(), 0, v.counts_.mapped().size());
    const VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, info.max_bindings},
                                          {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2 * info.max_bindings}};
    v.pool_ = descriptor_pool(ctx, sizes, info.max_bindings, info.name);
    return v;
}

// A set whose binding `binding` reads the frame (`image` or `buffer`) and binding 2 the counts.
VkDescriptorSet FrameVerifier::make_set(std::uint32_t binding, const VkDescriptorImageInfo* image,
                                        const VkDescriptorBufferInfo* buffer) {
    const VkDescriptorSet set =
        allocate_set(*ctx_, pool_.get(), set_layout_.get(), info_.name + " (raise FrameVerifierInfo::max_bindings)");
    const VkDescriptorBufferInfo counts{counts_.get(), 0, VK_WHOLE_SIZE};
    const VkWriteDescriptorSet writes[] = {
        {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstSet = set,
         .dstBinding = binding,
         .descriptorCount = 1,
         .descriptorType = image ? VK_DESCRIPTOR_TYPE_STORAGE_IMAGE : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
         .pImageInfo = image,
         .pBufferInfo = buffer},
        {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstSet = set,
         .dstBinding = 2,
         .descriptorCount = 1,
         .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
         .pBufferInfo = &counts}};
    vkUpdateDescriptorSets(ctx_->device(), 2, writes, 0, nullptr);
    return set;
}

VkDescriptorSet FrameVerifier::bind(const Image& image) {
    const int index = verify_format_index(image.format());
    if (index < 0)
        core::fail("the verifier reads RGBA8, BGRA8, RGBA16F, RGBA32F and R32F images", info_.name);
    if (!image_pipelines_[index])
        core::fail("checking a BGRA8 image needs shaderStorageImageReadWithoutFormat, which " + ctx_->device_name() +
                       " lacks",
                   info_.name);
    const VkDescriptorImageInfo info{VK_NULL_HANDLE, image.view(), VK_IMAGE_LAYOUT_GENERAL};
    bound_.push_back({make_set(0, &info, nullptr), image.extent(), index});
    return bound_.back().set;
}

bool FrameVerifier::can_check(VkFormat format) const noexcept {
    const int index = verify_format_index(format);
    return index >= 0 && image_pipelines_[index];
}

VkDescriptorSet FrameVerifier::bind(VkBuffer buffer, core::Extent2D words) {
    CUVK_ASSERT(!words.empty(), "the verifier checks a buffer of at least one word");
    const VkDescriptorBufferInfo info{buffer, 0, VkDeviceSize(words.pixels() * sizeof(std::uint32_t))};
    bound_.push_back({make_set(1, nullptr, &info), words, -1});
    return bound_.back().set;
}

void FrameVerifier::record_check(VkCommandBuffer cmd, VkDescriptorSet binding, std::uint32_t frame) const {
    const auto it = std::find_if(bound_.begin(), bound_.end(), [&](const Bound& b) { return b.set == binding; });
    CUVK_ASSERT(it != bound_.end(), "record_check takes a binding of this verifier");
    const VkPipelineStageFlags2 compute = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT;
    const VkAccessFlags2 rw = VK_ACCESS_2_SHADER_STORAGE_READ_BIT | VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT;
    // The counts are shared by every check: the previous tally (or the host's zeroing) comes first.
    record_memory_barrier(cmd, compute | VK_PIPELINE_STAGE_2_HOST_BIT, rw | VK_ACCESS_2_HOST_WRITE_BIT, compute, rw);
    const Push push{frame, info_.window, it->extent.width, it->extent.height};
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE,
                      it->format < 0 ? buffer_pipeline_.get() : image_pipelines_[it->format].get());
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout_.get(), 0, 1, &binding, 0, nullptr);
    vkCmdPushConstants(cmd, layout_.get(), VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, &push);
    vkCmdDispatch(cmd, (it->extent.width + kGroup - 1) / kGroup, (it->extent.height + kGroup - 1) / kGroup, 1);
    record_memory_barrier(cmd, compute, rw, compute, rw);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, tally_pipeline_.get());
    vkCmdDispatch(cmd, 1, 1, 1);
    // The totals are read by the host once the submission has finished.
    record_memory_barrier(cmd, compute, VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT, VK_PIPELINE_STAGE_2_HOST_BIT,
                          VK_ACCESS_2_HOST_READ_BIT);
}

void FrameVerifier::record_delay(VkCommandBuffer cmd, VkDescriptorSet binding, std::uint32_t microseconds) const {
    if (microseconds == 0)
        return;
    constexpr std::uint32_t kStepsPerMicrosecond = 400; // verify_delay.comp's chain on a Hopper GPU, roughly
    const VkPipelineStageFlags2 compute = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT;
    const VkAccessFlags2 rw = VK_ACCESS_2_SHADER_STORAGE_READ_BIT | VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT;
    record_memory_barrier(cmd, compute | VK_PIPELINE_STAGE_2_HOST_BIT, rw | VK_ACCESS_2_HOST_WRITE_BIT, compute, rw);
    const Push push{microseconds * kStepsPerMicrosecond, 0, 0, 0};
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, delay_pipeline_.get());
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout_.get(), 0, 1, &binding, 0, nullptr);
    vkCmdPushConstants(cmd, layout_.get(), VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, &push);
    vkCmdDispatch(cmd, 1, 1, 1);
    record_memory_barrier(cmd, compute, rw, compute, rw);
}

VerifyTotals FrameVerifier::totals() const {
    std::uint32_t words[kCountWords];
    std::memcpy(words, counts_.mapped().data(), sizeof words);
    return {.verified = words[4], .torn = words[5], .stale = words[6], .corrupt = words[7]};
}

} // namespace cuvk::render
