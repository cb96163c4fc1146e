#pragma once
// cuvk::render::SplatPass — particles drawn by compute instead of the rasteriser: each point (compute::PointVertex)
// is transformed like PointsPass's, its premultiplied colour added with atomics to the pixel its 1-pixel point covers,
// and the sums resolved into the target's area — the image PointsPass's additive blending makes (one rounding per
// point, saturated), without the graphics units this GPU has few of (DESIGN.md; issue: cuvk-bench, particles).
// Owns: descriptor set layout, pipeline layout, the splat and resolve pipelines, the accumulators (3 words per pixel
// of the largest area) and the descriptor pool. The target is written as a storage image in GENERAL layout (RGBA8, or
// any storable format where the device writes without a format qualifier); the caller orders its earlier accesses
// before the compute stage and its later ones after. Throws core::Error.

#include "cuvk/render/buffer.hpp"
#include "cuvk/render/image.hpp"
#include "cuvk/render/raster.hpp"

#include <string>

namespace cuvk::render {

struct SplatPassInfo {
    VkFormat target_format = VK_FORMAT_R8G8B8A8_UNORM;
    core::Extent2D max_area{1920, 1080}; // the largest area record() may draw
    std::uint32_t max_bindings = 8;      // (vertex buffer, target) pairs bind() may register
    std::string name = "splat";
};

class SplatPass {
public:
    SplatPass() = default;
    static SplatPass create(const Context& ctx, const SplatPassInfo& info);

    // A vertex buffer (STORAGE_BUFFER usage, PointVertex) with the target it is drawn into (STORAGE usage).
    VkDescriptorSet bind(VkBuffer vertices, const Image& target);
    // Clears `area` of the target to opaque black plus the sum of `count` points seen through `push.view_projection`.
    void record(VkCommandBuffer cmd, VkDescriptorSet binding, const VkRect2D& area, std::uint32_t count,
                const RasterPush& push) const;

private:
    const Context* ctx_ = nullptr;
    SplatPassInfo info_;
    // Creation order, destroyed in reverse.
    UniqueDescriptorSetLayout set_layout_;
    UniquePipelineLayout layout_;
    UniquePipeline splat_pipeline_, resolve_pipeline_;
    Buffer accum_;
    UniqueDescriptorPool pool_;
};

} // namespace cuvk::render
