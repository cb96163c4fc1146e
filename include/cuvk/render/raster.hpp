#pragma once
// Raster passes for outputs that need geometry (DESIGN.md: raster only where geometry needs it):
// PointsPass draws PointVertex buffers as additive points, MeshPass draws a MeshVertex grid as a lit mesh.
// Both use dynamic rendering into an RGBA8 colour target in COLOR_ATTACHMENT_OPTIMAL layout (the same image the
// compute compositor writes in GENERAL); MeshPass also owns its depth buffer. Barriers around record(), including
// the target's layout transition, are the caller's.
// Owners: pipeline layout, pipeline (and for MeshPass the index buffer and depth image), destroyed in reverse.

#include "cuvk/render/buffer.hpp"
#include "cuvk/render/image.hpp"

#include <array>

namespace cuvk::render {

// Push constants of both passes: a column-major 4x4 matrix and a light direction.
struct RasterPush {
    std::array<float, 16> view_projection{};
    std::array<float, 4> light{};
};

class PointsPass {
public:
    PointsPass() = default;
    static PointsPass create(const Context& ctx, VkFormat color_format, const std::string& name);
    // Clears `area` of the target to black and draws `count` points from `vertices` into it.
    void record(VkCommandBuffer cmd, const Image& target, const VkRect2D& area, VkBuffer vertices, std::uint32_t count,
                const RasterPush& push) const;

private:
    UniquePipelineLayout layout_;
    UniquePipeline pipeline_;
};

class MeshPass {
public:
    MeshPass() = default;
    // `grid`: vertices per row and rows of the MeshVertex grid the pass draws; `extent`: the target's size.
    static MeshPass create(const Context& ctx, VkFormat color_format, core::Extent2D extent, core::Extent2D grid,
                           const std::string& name);
    // Clears colour and depth in `area` (within the extent given to create()) and draws the grid's triangles there.
    void record(VkCommandBuffer cmd, const Image& target, const VkRect2D& area, VkBuffer vertices,
                const RasterPush& push) const;
    // The depth image must be made usable once before the first record() (UNDEFINED → DEPTH_ATTACHMENT_OPTIMAL).
    void record_prepare(VkCommandBuffer cmd) const;

private:
    UniquePipelineLayout layout_;
    UniquePipeline pipeline_;
    Buffer indices_;
    Image depth_;
    std::uint32_t index_count_ = 0;
};

// The index list of a grid of w x h vertices (row-major): two triangles per cell.
std::vector<std::uint32_t> grid_indices(core::Extent2D grid);

} // namespace cuvk::render
