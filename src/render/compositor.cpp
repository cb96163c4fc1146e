#include "cuvk/render/compositor.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/render/check.hpp"
#include "cuvk/render/image.hpp"
#include "pipelines.hpp"
#include "shaders.hpp"

namespace cuvk::render {
namespace {

struct Push { // composite.comp
    std::int32_t offset[2];
    std::int32_t size[2];
    float uv_origin[2];
    float uv_span[2];
    float range[2];
    float lod;
    std::uint32_t mode;
    std::int32_t source_size[2]; // linear sources
    std::uint32_t filter_linear;
};

struct RangePush { // range.comp
    std::int32_t level;
};

constexpr std::uint32_t kGroup = 16; // local_size of composite.comp

} // namespace

UniqueShaderModule create_shader_module(const Context& ctx, std::span<const std::uint32_t> spirv,
                                        const std::string& name) {
    const VkShaderModuleCreateInfo info{
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO, .codeSize = spirv.size_bytes(), .pCode = spirv.data()};
    VkShaderModule module = VK_NULL_HANDLE;
    CUVK_VK(vkCreateShaderModule(ctx.device(), &info, nullptr, &module), name);
    ctx.set_name(VK_OBJECT_TYPE_SHADER_MODULE, module, name);
    return UniqueShaderModule(module, {ctx.device()});
}

Compositor Compositor::create(const Context& ctx, const CompositorInfo& info) {
    Compositor c;
    c.ctx_ = &ctx;
    c.name_ = info.name;
    const VkDevice dev = ctx.device();

    const VkFilter filter = info.linear ? VK_FILTER_LINEAR : VK_FILTER_NEAREST;
    const VkSamplerCreateInfo sampler_info{
        .sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO,
        .magFilter = filter,
        .minFilter = filter,
        .mipmapMode = info.linear ? VK_SAMPLER_MIPMAP_MODE_LINEAR : VK_SAMPLER_MIPMAP_MODE_NEAREST,
        .addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
        .addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
        .addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
        .maxLod = VK_LOD_CLAMP_NONE,
    };
    VkSampler sampler = VK_NULL_HANDLE;
    CUVK_VK(vkCreateSampler(dev, &sampler_info, nullptr, &sampler), info.name);
    c.sampler_ = UniqueSampler(sampler, {dev});

    const VkDescriptorSetLayoutBinding bindings[] = {
        {0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        {1, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
    };
    c.set_layout_ = set_layout(ctx, bindings, info.name);
    c.layout_ = pipeline_layout(ctx, c.set_layout_.get(), sizeof(Push), VK_SHADER_STAGE_COMPUTE_BIT, info.name);
    c.linear_ = info.linear;
    const VkDescriptorSetLayoutBinding buffer_bindings[] = {
        {0, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        {1, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
    };
    c.buffer_set_layout_ = set_layout(ctx, buffer_bindings, info.name + ".linear");
    c.buffer_layout_ = pipeline_layout(ctx, c.buffer_set_layout_.get(), sizeof(Push), VK_SHADER_STAGE_COMPUTE_BIT,
                                       info.name + ".linear");
    if (info.target_format == VK_FORMAT_R8G8B8A8_UNORM) {
        c.pipeline_ = compute_pipeline(ctx, shaders::composite_comp(), c.layout_.get(), info.name);
        c.buffer_pipeline_ =
            compute_pipeline(ctx, shaders::composite_buffer_comp(), c.buffer_layout_.get(), info.name + ".linear");
    } else {
        if (!ctx.supports_storage_write_without_format())
            core::fail("the device cannot write storage images without a declared format "
                       "(shaderStorageImageWriteWithoutFormat), so it cannot composite into format " +
                           std::to_string(int(info.target_format)),
                       info.name);
        c.pipeline_ = compute_pipeline(ctx, shaders::composite_any_comp(), c.layout_.get(), info.name);
        c.buffer_pipeline_ =
            compute_pipeline(ctx, shaders::composite_buffer_any_comp(), c.buffer_layout_.get(), info.name + ".linear");
    }

    const VkDescriptorSetLayoutBinding range_bindings[] = {
        {0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
    };
    c.range_set_layout_ = set_layout(ctx, range_bindings, info.name + ".range");
    c.range_layout_ = pipeline_layout(ctx, c.range_set_layout_.get(), sizeof(RangePush), VK_SHADER_STAGE_COMPUTE_BIT,
                                      info.name + ".range");
    c.range_pipeline_ = compute_pipeline(ctx, shaders::range_comp(), c.range_layout_.get(), info.name + ".range");
    c.range_ = Buffer::create(ctx, {.size = 2 * sizeof(std::uint32_t),
                                    .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                    .memory = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT,
                                    .name = info.name + ".range"});

    const VkDescriptorPoolSize sizes[] = {
        {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 2 * info.max_bindings},
        {VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, info.max_bindings},
        {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2 * info.max_bindings},
        {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, info.max_bindings},
    };
    c.pool_ = descriptor_pool(ctx, sizes, 2 * info.max_bindings, info.name);
    return c;
}

CompositorBinding Compositor::bind(VkImageView source, VkImageView target) {
    CompositorBinding b;
    b.composite = allocate_set(*ctx_, pool_.get(), set_layout_.get(), name_ + " (raise CompositorInfo::max_bindings)");
    b.range = allocate_set(*ctx_, pool_.get(), range_set_layout_.get(),
                           name_ + ".range (raise CompositorInfo::max_bindings)");
    const VkDescriptorImageInfo src{sampler_.get(), source, VK_IMAGE_LAYOUT_GENERAL};
    const VkDescriptorImageInfo dst{VK_NULL_HANDLE, target, VK_IMAGE_LAYOUT_GENERAL};
    const VkDescriptorBufferInfo range{range_.get(), 0, VK_WHOLE_SIZE};
    auto image_write = [](VkDescriptorSet set, std::uint32_t binding, VkDescriptorType type,
                          const VkDescriptorImageInfo* info) {
        return VkWriteDescriptorSet{.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
                                    .dstSet = set,
                                    .dstBinding = binding,
                                    .descriptorCount = 1,
                                    .descriptorType = type,
                                    .pImageInfo = info};
    };
    auto buffer_write = [&](VkDescriptorSet set, std::uint32_t binding) {
        return VkWriteDescriptorSet{.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
                                    .dstSet = set,
                                    .dstBinding = binding,
                                    .descriptorCount = 1,
                                    .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                    .pBufferInfo = &range};
    };
    const VkWriteDescriptorSet writes[] = {
        image_write(b.composite, 0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, &src),
        image_write(b.composite, 1, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, &dst),
        buffer_write(b.composite, 2),
        image_write(b.range, 0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, &src),
        buffer_write(b.range, 1),
    };
    vkUpdateDescriptorSets(ctx_->device(), std::uint32_t(std::size(writes)), writes, 0, nullptr);
    return b;
}

CompositorBinding Compositor::bind_buffer(VkBuffer buffer, VkFormat format, core::Extent2D extent, VkImageView target) {
    VkFormatProperties props{};
    vkGetPhysicalDeviceFormatProperties(ctx_->physical_device(), format, &props);
    if (!(props.bufferFeatures & VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT))
        core::fail_usage(ctx_->device_name() + " cannot read format " + std::to_string(int(format)) +
                         " from a texel buffer: draw this output as an image");
    const std::uint64_t texels = extent.pixels();
    if (extent.empty() || texels > ctx_->properties().limits.maxTexelBufferElements)
        core::fail_usage("a linear image of " + core::to_string(extent) + " has " + std::to_string(texels) +
                         " texels; " + ctx_->device_name() + " reads at most " +
                         std::to_string(ctx_->properties().limits.maxTexelBufferElements) + " from a texel buffer");
    const VkBufferViewCreateInfo view_info{.sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO,
                                           .buffer = buffer,
                                           .format = format,
                                           .offset = 0,
                                           .range = VK_WHOLE_SIZE};
    VkBufferView view = VK_NULL_HANDLE;
    CUVK_VK(vkCreateBufferView(ctx_->device(), &view_info, nullptr, &view), name_ + ".linear");
    buffer_views_.emplace_back(view, DeviceChildDeleter<VkBufferView, vkDestroyBufferView>{ctx_->device()});
    ctx_->set_name(VK_OBJECT_TYPE_BUFFER_VIEW, view, name_ + ".linear");

    CompositorBinding b;
    b.buffer_extent = extent;
    b.composite = allocate_set(*ctx_, pool_.get(), buffer_set_layout_.get(),
                               name_ + ".linear (raise CompositorInfo::max_bindings)");
    const VkDescriptorImageInfo dst{VK_NULL_HANDLE, target, VK_IMAGE_LAYOUT_GENERAL};
    const VkDescriptorBufferInfo range{range_.get(), 0, VK_WHOLE_SIZE};
    const VkWriteDescriptorSet writes[] = {
        {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstSet = b.composite,
         .dstBinding = 0,
         .descriptorCount = 1,
         .descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
         .pTexelBufferView = &view},
        {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstSet = b.composite,
         .dstBinding = 1,
         .descriptorCount = 1,
         .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_IMAGE,
         .pImageInfo = &dst},
        {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstSet = b.composite,
         .dstBinding = 2,
         .descriptorCount = 1,
         .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
         .pBufferInfo = &range},
    };
    vkUpdateDescriptorSets(ctx_->device(), std::uint32_t(std::size(writes)), writes, 0, nullptr);
    return b;
}

void Compositor::record(VkCommandBuffer cmd, const CompositorBinding& binding, const CompositeRect& rect) const {
    const bool linear_source = !binding.buffer_extent.empty();
    if (rect.mode == ColorMode::map_auto && !linear_source) {
        // The range buffer is shared by every frame of this compositor: the previous frame's read comes first.
        record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_STORAGE_READ_BIT,
                              VK_PIPELINE_STAGE_2_TRANSFER_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
        vkCmdFillBuffer(cmd, range_.get(), 0, sizeof(std::uint32_t), 0xffffffffu); // empty: lo = +inf key
        vkCmdFillBuffer(cmd, range_.get(), sizeof(std::uint32_t), sizeof(std::uint32_t), 0u);
        record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_TRANSFER_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                              VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                              VK_ACCESS_2_SHADER_STORAGE_READ_BIT | VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT);
        const RangePush push{std::int32_t(rect.range_level)};
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, range_pipeline_.get());
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, range_layout_.get(), 0, 1, &binding.range, 0,
                                nullptr);
        vkCmdPushConstants(cmd, range_layout_.get(), VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), &push);
        const core::Extent2D level =
            rect.source_extent.empty() ? core::Extent2D{1, 1} : core::mip_extent(rect.source_extent, rect.range_level);
        vkCmdDispatch(cmd, (level.width + kGroup - 1) / kGroup, (level.height + kGroup - 1) / kGroup, 1);
        record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT,
                              VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_STORAGE_READ_BIT);
    }
    const ColorMode mode = linear_source && rect.mode == ColorMode::map_auto ? ColorMode::map_fixed : rect.mode;
    const Push push{{rect.x, rect.y},
                    {std::int32_t(rect.extent.width), std::int32_t(rect.extent.height)},
                    {rect.uv_origin[0], rect.uv_origin[1]},
                    {rect.uv_span[0], rect.uv_span[1]},
                    {rect.range[0], rect.range[1]},
                    rect.lod,
                    std::uint32_t(mode),
                    {std::int32_t(binding.buffer_extent.width), std::int32_t(binding.buffer_extent.height)},
                    linear_ ? 1u : 0u};
    const VkPipelineLayout layout = linear_source ? buffer_layout_.get() : layout_.get();
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, linear_source ? buffer_pipeline_.get() : pipeline_.get());
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 1, &binding.composite, 0, nullptr);
    vkCmdPushConstants(cmd, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(Push), &push);
    vkCmdDispatch(cmd, (rect.extent.width + kGroup - 1) / kGroup, (rect.extent.height + kGroup - 1) / kGroup, 1);
}

} // namespace cuvk::render
