#pragma once
// Draws one ring slot's output into a pane of a target image: images through the compute compositor (trilinear at
// the output's display level of detail), points through a raster pass or the compute splat, meshes through a raster
// pass, under an orbit camera. The camera
// depends only on the frame index, so any ring size gives the same frames. Barriers around record() are the
// caller's: the target image must be in layout(), its earlier writes visible to write_scope().

#include "cuvk/engine/frame_loop.hpp"
#include "cuvk/engine/frame_ring.hpp"
#include "cuvk/render/compositor.hpp"
#include "cuvk/render/raster.hpp"
#include "cuvk/render/splat.hpp"

#include <optional>
#include <span>

namespace cuvk::engine {

class Drawer {
public:
    // `targets`: every image a frame may be drawn into; `pane`: where, in each of them.
    static Drawer create(const render::Context& ctx, const compute::OutputSpec& output,
                         std::span<const render::Image* const> targets, std::span<const SlotOutput> slots,
                         const VkRect2D& pane, const std::string& name, PointsPath points = PointsPath::splat);

    // `view`: how a person looks at the pane (the viewer); null: the fixed view (the whole image, the camera turning
    // with the frame index), which the gallery and the tests compare.
    void record(VkCommandBuffer cmd, std::uint32_t slot, std::uint64_t frame, std::uint32_t target,
                const PaneView* view = nullptr) const;
    // The layout the target image must be in, and the stage and access of the draw's writes to it.
    VkImageLayout layout() const noexcept;
    StageScope write_scope() const noexcept;

private:
    compute::OutputSpec output_;
    std::vector<const render::Image*> targets_;
    std::vector<SlotOutput> slots_;
    VkRect2D pane_{};
    std::optional<render::Compositor> compositor_;
    std::vector<render::CompositorBinding> bindings_; // [target * slots + slot]
    std::optional<render::PointsPass> points_;
    std::optional<render::SplatPass> splat_;
    std::vector<VkDescriptorSet> splat_sets_; // [target * slots + slot]
    std::optional<render::MeshPass> mesh_;
};

// The camera of the raster outputs at frame `frame` for a pane of `pane` pixels (column-major view-projection,
// Vulkan clip space).
render::RasterPush camera_for(compute::OutputKind kind, core::Extent2D pane, std::uint64_t frame);
// An orbit camera around the origin: yaw and pitch in radians, distance in scene units.
render::RasterPush orbit_camera(core::Extent2D pane, float yaw, float pitch, float distance);

} // namespace cuvk::engine
