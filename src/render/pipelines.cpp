#include "pipelines.hpp"

#include "cuvk/render/check.hpp"
#include "cuvk/render/compositor.hpp"

namespace cuvk::render {

UniquePipeline compute_pipeline(const Context& ctx, std::span<const std::uint32_t> spirv, VkPipelineLayout layout,
                                const std::string& name) {
    const auto module = create_shader_module(ctx, spirv, name + ".comp");
    const VkComputePipelineCreateInfo pipeline_info{
        .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
        .stage = {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
                  .stage = VK_SHADER_STAGE_COMPUTE_BIT,
                  .module = module.get(),
                  .pName = "main"},
        .layout = layout,
    };
    VkPipeline pipeline = VK_NULL_HANDLE;
    CUVK_VK(vkCreateComputePipelines(ctx.device(), VK_NULL_HANDLE, 1, &pipeline_info, nullptr, &pipeline), name);
    ctx.set_name(VK_OBJECT_TYPE_PIPELINE, pipeline, name);
    return UniquePipeline(pipeline, {ctx.device()});
}

UniqueDescriptorSetLayout set_layout(const Context& ctx, std::span<const VkDescriptorSetLayoutBinding> bindings,
                                     const std::string& name) {
    const VkDescriptorSetLayoutCreateInfo set_info{.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
                                                   .bindingCount = std::uint32_t(bindings.size()),
                                                   .pBindings = bindings.data()};
    VkDescriptorSetLayout layout = VK_NULL_HANDLE;
    CUVK_VK(vkCreateDescriptorSetLayout(ctx.device(), &set_info, nullptr, &layout), name);
    return UniqueDescriptorSetLayout(layout, {ctx.device()});
}

UniquePipelineLayout pipeline_layout(const Context& ctx, VkDescriptorSetLayout set_layout, std::uint32_t push_bytes,
                                     VkShaderStageFlags push_stages, const std::string& name) {
    const VkPushConstantRange range{push_stages, 0, push_bytes};
    const VkPipelineLayoutCreateInfo layout_info{.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
                                                 .setLayoutCount = 1,
                                                 .pSetLayouts = &set_layout,
                                                 .pushConstantRangeCount = push_bytes > 0 ? 1u : 0u,
                                                 .pPushConstantRanges = &range};
    VkPipelineLayout layout = VK_NULL_HANDLE;
    CUVK_VK(vkCreatePipelineLayout(ctx.device(), &layout_info, nullptr, &layout), name);
    return UniquePipelineLayout(layout, {ctx.device()});
}

UniqueDescriptorPool descriptor_pool(const Context& ctx, std::span<const VkDescriptorPoolSize> sizes,
                                     std::uint32_t max_sets, const std::string& name,
                                     VkDescriptorPoolCreateFlags flags) {
    const VkDescriptorPoolCreateInfo info{.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
                                          .flags = flags,
                                          .maxSets = max_sets,
                                          .poolSizeCount = std::uint32_t(sizes.size()),
                                          .pPoolSizes = sizes.data()};
    VkDescriptorPool pool = VK_NULL_HANDLE;
    CUVK_VK(vkCreateDescriptorPool(ctx.device(), &info, nullptr, &pool), name);
    return UniqueDescriptorPool(pool, {ctx.device()});
}

VkDescriptorSet allocate_set(const Context& ctx, VkDescriptorPool pool, VkDescriptorSetLayout layout,
                             const std::string& name) {
    const VkDescriptorSetAllocateInfo alloc{.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                            .descriptorPool = pool,
                                            .descriptorSetCount = 1,
                                            .pSetLayouts = &layout};
    VkDescriptorSet set = VK_NULL_HANDLE;
    CUVK_VK(vkAllocateDescriptorSets(ctx.device(), &alloc, &set), name);
    return set;
}

} // namespace cuvk::render
