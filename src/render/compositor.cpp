#include "cuvk/render/compositor.hpp"

#include "cuvk/render/check.hpp"
#include "shaders.hpp"

namespace cuvk::render {
namespace {

struct Push {
    std::int32_t offset[2];
    std::int32_t size[2];
    float lod;
    std::uint32_t grey; // 1: a one-channel source, shown as grey
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
    };
    const VkDescriptorSetLayoutCreateInfo set_info{
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO, .bindingCount = 2, .pBindings = bindings};
    VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
    CUVK_VK(vkCreateDescriptorSetLayout(dev, &set_info, nullptr, &set_layout), info.name);
    c.set_layout_ = UniqueDescriptorSetLayout(set_layout, {dev});

    const VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(Push)};
    const VkPipelineLayoutCreateInfo layout_info{.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
                                                 .setLayoutCount = 1,
                                                 .pSetLayouts = &set_layout,
                                                 .pushConstantRangeCount = 1,
                                                 .pPushConstantRanges = &range};
    VkPipelineLayout layout = VK_NULL_HANDLE;
    CUVK_VK(vkCreatePipelineLayout(dev, &layout_info, nullptr, &layout), info.name);
    c.layout_ = UniquePipelineLayout(layout, {dev});

    const auto module = create_shader_module(ctx, shaders::composite_comp(), info.name + ".comp");
    const VkComputePipelineCreateInfo pipeline_info{
        .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
        .stage = {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
                  .stage = VK_SHADER_STAGE_COMPUTE_BIT,
                  .module = module.get(),
                  .pName = "main"},
        .layout = layout,
    };
    VkPipeline pipeline = VK_NULL_HANDLE;
    CUVK_VK(vkCreateComputePipelines(dev, VK_NULL_HANDLE, 1, &pipeline_info, nullptr, &pipeline), info.name);
    c.pipeline_ = UniquePipeline(pipeline, {dev});
    ctx.set_name(VK_OBJECT_TYPE_PIPELINE, pipeline, info.name);

    const VkDescriptorPoolSize sizes[] = {
        {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, info.max_bindings},
        {VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, info.max_bindings},
    };
    const VkDescriptorPoolCreateInfo pool_info{.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
                                               .maxSets = info.max_bindings,
                                               .poolSizeCount = 2,
                                               .pPoolSizes = sizes};
    VkDescriptorPool pool = VK_NULL_HANDLE;
    CUVK_VK(vkCreateDescriptorPool(dev, &pool_info, nullptr, &pool), info.name);
    c.pool_ = UniqueDescriptorPool(pool, {dev});
    return c;
}

VkDescriptorSet Compositor::bind(VkImageView source, VkImageView target) {
    const VkDescriptorSetLayout layout = set_layout_.get();
    const VkDescriptorSetAllocateInfo alloc{.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                            .descriptorPool = pool_.get(),
                                            .descriptorSetCount = 1,
                                            .pSetLayouts = &layout};
    VkDescriptorSet set = VK_NULL_HANDLE;
    CUVK_VK(vkAllocateDescriptorSets(ctx_->device(), &alloc, &set), name_ + " (raise CompositorInfo::max_bindings)");
    const VkDescriptorImageInfo src{sampler_.get(), source, VK_IMAGE_LAYOUT_GENERAL};
    const VkDescriptorImageInfo dst{VK_NULL_HANDLE, target, VK_IMAGE_LAYOUT_GENERAL};
    const VkWriteDescriptorSet writes[] = {
        {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstSet = set,
         .dstBinding = 0,
         .descriptorCount = 1,
         .descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
         .pImageInfo = &src},
        {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstSet = set,
         .dstBinding = 1,
         .descriptorCount = 1,
         .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_IMAGE,
         .pImageInfo = &dst},
    };
    vkUpdateDescriptorSets(ctx_->device(), 2, writes, 0, nullptr);
    return set;
}

void Compositor::record(VkCommandBuffer cmd, VkDescriptorSet binding, const CompositeRect& rect) const {
    const Push push{{rect.x, rect.y},
                    {std::int32_t(rect.extent.width), std::int32_t(rect.extent.height)},
                    rect.lod,
                    rect.grey ? 1u : 0u};
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline_.get());
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout_.get(), 0, 1, &binding, 0, nullptr);
    vkCmdPushConstants(cmd, layout_.get(), VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(Push), &push);
    vkCmdDispatch(cmd, (rect.extent.width + kGroup - 1) / kGroup, (rect.extent.height + kGroup - 1) / kGroup, 1);
}

} // namespace cuvk::render
