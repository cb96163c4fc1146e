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
// A source may also be a linear image in a buffer (bind_buffer: a uniform texel buffer, sampled by hand).
// Owns: sampler, set layouts, pipeline layouts, pipelines, the range buffer, the descriptor pool and the buffer views
// of linear sources (creation order, destroyed in reverse).

#include "cuvk/core/types.hpp"
#include "cuvk/render/buffer.hpp"
#include "cuvk/render/context.hpp"
#include "cuvk/render/handles.hpp"

#include <array>
#include <span>
#include <string>
#include <vector>

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
    core::Extent2D buffer_extent; // bind_buffer: the linear image's size; empty for an image source
};

class Compositor {
public:
    Compositor() = default;
    static Compositor create(const Context& ctx, const CompositorInfo& info);

    // Descriptor sets reading `source` and writing `target`; owned by the compositor.
    CompositorBinding bind(VkImageView source, VkImageView target);
    // Descriptor sets reading a linear image — extent.width x extent.height texels of `format`, row after row, in
    // `buffer` (made with VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT; read at the compute stage as
    // VK_ACCESS_2_SHADER_SAMPLED_READ_BIT) — and writing `target`. The compositor makes and owns the buffer view.
    // Such a source has one level, and ColorMode::map_auto is drawn as map_fixed. Throws a usage error when the device
    // cannot read `format` from a texel buffer or the image has more texels than maxTexelBufferElements.
    CompositorBinding bind_buffer(VkBuffer buffer, VkFormat format, core::Extent2D extent, VkImageView target);
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
    UniqueDescriptorSetLayout buffer_set_layout_;
    UniquePipelineLayout buffer_layout_;
    UniquePipeline buffer_pipeline_;
    UniqueDescriptorPool pool_;
    std::vector<UniqueBufferView> buffer_views_; // of bind_buffer's sources
    bool linear_ = true;
};

// A compute pipeline from SPIR-V with one push-constant range visible to the compute stage.
UniqueShaderModule create_shader_module(const Context& ctx, std::span<const std::uint32_t> spirv,
                                        const std::string& name);

} // namespace cuvk::render
