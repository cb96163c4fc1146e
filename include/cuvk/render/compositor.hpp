#pragma once
// cuvk::render::Compositor — draws image outputs into a target with a compute shader (shaders/composite.comp).
//
// A binding pairs one source (sampled, GENERAL layout) with one target (storage, GENERAL layout: RGBA8, or any
// storable format such as a BGRA8 swapchain image where the device writes storage images without a format);
// bindings are made once (ring slots are fixed) and live as long as the compositor. Barriers around record() are the
// caller's: the source must be readable by the compute stage and the target writable.
// A rect may pan and zoom (uv_origin, uv_span) and map a one-channel source through a colour map over a fixed
// range or over the source's own range, found on the GPU each frame (range.comp into a small buffer of the
// compositor's own, ordered by barriers inside record(): frames of one compositor go through one queue).
// Owns: sampler, set layouts, pipeline layouts, pipelines, the range buffer, the descriptor pool (creation order,
// destroyed in reverse).

#include "cuvk/core/types.hpp"
#include "cuvk/render/buffer.hpp"
#include "cuvk/render/context.hpp"
#include "cuvk/render/handles.hpp"

#include <array>
#include <span>
#include <string>

namespace cuvk::render {

struct CompositorInfo {
    std::uint32_t max_bindings = 64;                   // how many source/target pairs bind() may make
    VkFormat target_format = VK_FORMAT_R8G8B8A8_UNORM; // of every target bound
    bool linear = true;                                // bilinear + trilinear sampling, else nearest
    std::string name = "compositor";
};

enum class ColorMode : std::uint32_t {
    direct = 0,    // as stored
    grey = 1,      // a one-channel source as grey, opaque
    map_fixed = 2, // a one-channel source through the colour map over CompositeRect::range
    map_auto = 3,  // the same over the smallest and largest value of the source's level range_level
};

struct CompositeRect {
    std::int32_t x = 0, y = 0;                  // top-left in the target
    core::Extent2D extent;                      // size in the target
    float lod = 0.0f;                           // source level of detail
    std::array<float, 2> uv_origin{0.0f, 0.0f}; // source coordinates at the rect's top-left (pan)
    std::array<float, 2> uv_span{1.0f, 1.0f};   // source coordinates across the rect (zoom); outside [0,1]: dark
    ColorMode mode = ColorMode::direct;
    std::array<float, 2> range{0.0f, 1.0f}; // map_fixed: the values shown as the map's two ends
    std::uint32_t range_level = 0;          // map_auto: the mip level whose range is used (a small one is cheaper)
    core::Extent2D source_extent;           // map_auto: the source's level 0 size
};

// The descriptor sets of one source/target pair (owned by the compositor).
struct CompositorBinding {
    VkDescriptorSet composite = VK_NULL_HANDLE;
    VkDescriptorSet range = VK_NULL_HANDLE;
};

class Compositor {
public:
    Compositor() = default;
    static Compositor create(const Context& ctx, const CompositorInfo& info);

    // Descriptor sets reading `source` and writing `target`; owned by the compositor.
    CompositorBinding bind(VkImageView source, VkImageView target);
    void record(VkCommandBuffer cmd, const CompositorBinding& binding, const CompositeRect& rect) const;

private:
    const Context* ctx_ = nullptr;
    std::string name_;
    // Creation order; destroyed in reverse.
    UniqueSampler sampler_;
    UniqueDescriptorSetLayout set_layout_;
    UniquePipelineLayout layout_;
    UniquePipeline pipeline_;
    UniqueDescriptorSetLayout range_set_layout_;
    UniquePipelineLayout range_layout_;
    UniquePipeline range_pipeline_;
    Buffer range_;
    UniqueDescriptorPool pool_;
};

// A compute pipeline from SPIR-V with one push-constant range visible to the compute stage.
UniqueShaderModule create_shader_module(const Context& ctx, std::span<const std::uint32_t> spirv,
                                        const std::string& name);

} // namespace cuvk::render
