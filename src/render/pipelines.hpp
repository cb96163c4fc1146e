#pragma once
// Internal to render: the small Vulkan objects every pass makes the same way (compute pipelines, descriptor set
// layouts, pipeline layouts with one push-constant range, descriptor pools and sets). Each throws core::Error naming
// `name`.

#include "cuvk/render/context.hpp"
#include "cuvk/render/handles.hpp"

#include <span>
#include <string>

namespace cuvk::render {

// A compute pipeline from SPIR-V (entry point "main").
UniquePipeline compute_pipeline(const Context& ctx, std::span<const std::uint32_t> spirv, VkPipelineLayout layout,
                                const std::string& name);
UniqueDescriptorSetLayout set_layout(const Context& ctx, std::span<const VkDescriptorSetLayoutBinding> bindings,
                                     const std::string& name);
// One set layout and, when push_bytes > 0, one push-constant range of that size for `push_stages`.
UniquePipelineLayout pipeline_layout(const Context& ctx, VkDescriptorSetLayout set_layout, std::uint32_t push_bytes,
                                     VkShaderStageFlags push_stages, const std::string& name);
// A descriptor pool of `max_sets` sets holding at most `sizes` descriptors.
UniqueDescriptorPool descriptor_pool(const Context& ctx, std::span<const VkDescriptorPoolSize> sizes,
                                     std::uint32_t max_sets, const std::string& name,
                                     VkDescriptorPoolCreateFlags flags = 0);
VkDescriptorSet allocate_set(const Context& ctx, VkDescriptorPool pool, VkDescriptorSetLayout layout,
                             const std::string& name);

} // namespace cuvk::render
