#pragma once
// Draws one ring slot's output into the offscreen target: images through the compute compositor (trilinear at the
// sample's display level of detail), points and meshes through raster passes under an orbit camera. The camera
// depends only on the frame index, so any ring size gives the same frames.
// Each recorded frame starts by discarding the target (every pixel is rewritten) and leaves it in final_layout().

#include "compute/sample.hpp"
#include "engine/producer.hpp"
#include "render/compositor.hpp"
#include "render/raster.hpp"

#include <optional>
#include <span>

namespace cuvk::engine {

struct ReadScope {
    VkPipelineStageFlags2 stage;
    VkAccessFlags2 access;
};
// Where the draw of an output of this kind reads the slot (what the backend's handoff must make visible).
ReadScope read_scope(compute::OutputKind kind);

class Drawer {
public:
    static Drawer create(const render::Context& ctx, const compute::OutputSpec& output, const render::Image& target,
                         std::span<const SlotOutput> slots, const std::string& name);

    void record(VkCommandBuffer cmd, std::uint32_t slot, std::uint64_t frame) const;
    VkImageLayout final_layout() const noexcept;
    // Stage and access of the draw's writes to the target.
    ReadScope write_scope() const noexcept;

private:
    compute::OutputSpec output_;
    const render::Image* target_ = nullptr;
    std::vector<SlotOutput> slots_;
    std::optional<render::Compositor> compositor_;
    std::vector<VkDescriptorSet> bindings_;
    std::optional<render::PointsPass> points_;
    std::optional<render::MeshPass> mesh_;
};

// The camera of the raster samples at frame `frame` (column-major view-projection, Vulkan clip space).
render::RasterPush camera_for(compute::OutputKind kind, core::Extent2D target, std::uint64_t frame);

} // namespace cuvk::engine
