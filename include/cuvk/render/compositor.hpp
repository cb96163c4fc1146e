#pragma once
// cuvk::render::Compositor — draws image outputs into a target with a compute shader (shaders/composite.comp).
//
// A binding pairs one source (sampled, GENERAL layout) with one target (storage RGBA8, GENERAL layout); bindings
// are made once (ring slots are fixed) and live as long as the compositor. Barriers around record() are the
// caller's: the source must be readable by the compute stage and the target writable.
// Owns: sampler, set layout, pipeline layout, pipeline, descriptor pool (creation order, destroyed in reverse).

#include "cuvk/core/types.hpp"
#include "cuvk/render/context.hpp"
#include "cuvk/render/handles.hpp"

#include <span>
#include <string>

namespace cuvk::render {

struct CompositorInfo {
    std::uint32_t max_bindings = 64; // how many source/target pairs bind() may make
    bool linear = true;              // bilinear + trilinear sampling, else nearest
    std::string name = "compositor";
};

struct CompositeRect {
    std::int32_t x = 0, y = 0; // top-left in the target
    core::Extent2D extent;     // size in the target
    float lod = 0.0f;          // source level of detail
    bool grey = false;         // the source has one channel (R32F): show it as grey, opaque
};

class Compositor {
public:
    Compositor() = default;
    static Compositor create(const Context& ctx, const CompositorInfo& info);

    // A descriptor set reading `source` and writing `target`; owned by the compositor.
    VkDescriptorSet bind(VkImageView source, VkImageView target);
    void record(VkCommandBuffer cmd, VkDescriptorSet binding, const CompositeRect& rect) const;

private:
    const Context* ctx_ = nullptr;
    std::string name_;
    // Creation order; destroyed in reverse.
    UniqueSampler sampler_;
    UniqueDescriptorSetLayout set_layout_;
    UniquePipelineLayout layout_;
    UniquePipeline pipeline_;
    UniqueDescriptorPool pool_;
};

// A compute pipeline from SPIR-V with one push-constant range visible to the compute stage.
UniqueShaderModule create_shader_module(const Context& ctx, std::span<const std::uint32_t> spirv,
                                        const std::string& name);

} // namespace cuvk::render
