#include "drawer.hpp"

#include "cuvk/core/error.hpp"
#include "producer.hpp"

#define GLM_FORCE_DEPTH_ZERO_TO_ONE
#include <glm/gtc/matrix_transform.hpp>
#include <glm/gtc/type_ptr.hpp>
#include <glm/mat4x4.hpp>

#include <cstring>

namespace cuvk::engine {

const char* to_string(PointsPath path) {
    return path == PointsPath::splat ? "splat" : "raster";
}

render::RasterPush orbit_camera(core::Extent2D target, float yaw, float pitch, float distance) {
    const glm::vec3 eye(distance * std::cos(pitch) * std::sin(yaw), distance * std::sin(pitch),
                        distance * std::cos(pitch) * std::cos(yaw));
    const glm::mat4 view = glm::lookAt(eye, glm::vec3(0.0f), glm::vec3(0.0f, 1.0f, 0.0f));
    glm::mat4 projection =
        glm::perspective(glm::radians(45.0f), float(target.width) / float(target.height), 0.05f, 50.0f);
    projection[1][1] *= -1.0f; // Vulkan's clip space has y pointing down
    const glm::mat4 vp = projection * view;
    render::RasterPush push;
    std::memcpy(push.view_projection.data(), glm::value_ptr(vp), sizeof(float) * 16);
    push.light = {0.4f, 1.0f, 0.3f, 0.0f};
    return push;
}

render::RasterPush camera_for(compute::OutputKind kind, core::Extent2D target, std::uint64_t frame) {
    const bool points = kind == compute::OutputKind::points;
    const float yaw = (points ? 0.6f : 0.8f) + float(frame % 100000) * (points ? 0.004f : 0.002f);
    return orbit_camera(target, yaw, points ? 0.35f : 0.65f, points ? 3.4f : 2.7f);
}

Drawer Drawer::create(const render::Context& ctx, const compute::OutputSpec& output,
                      std::span<const render::Image* const> targets, std::span<const SlotOutput> slots,
                      const VkRect2D& pane, const std::string& name, PointsPath points) {
    CUVK_ASSERT(!targets.empty(), "a drawer draws into at least one target image");
    Drawer d;
    d.output_ = output;
    d.targets_.assign(targets.begin(), targets.end());
    d.slots_.assign(slots.begin(), slots.end());
    d.pane_ = pane;
    const VkFormat format = targets.front()->format();
    switch (output.kind) {
    case compute::OutputKind::image:
        d.compositor_ = render::Compositor::create(ctx, {.max_bindings = std::uint32_t(slots.size() * targets.size()),
                                                         .target_format = format,
                                                         .linear = true,
                                                         .name = name + ".compositor"});
        for (const auto* t : targets)
            for (const auto& s : slots)
                d.bindings_.push_back(output.linear ? d.compositor_->bind_buffer(s.vertices, vk_format(output.format),
                                                                                 output.extent, t->view())
                                                    : d.compositor_->bind(s.image->view(), t->view()));
        break;
    case compute::OutputKind::points:
        if (points == PointsPath::splat) {
            d.splat_ = render::SplatPass::create(ctx, {.target_format = format,
                                                       .max_area = {pane.extent.width, pane.extent.height},
                                                       .max_bindings = std::uint32_t(slots.size() * targets.size()),
                                                       .name = name + ".splat"});
            for (const auto* t : targets)
                for (const auto& s : slots)
                    d.splat_sets_.push_back(d.splat_->bind(s.vertices, *t));
        } else {
            d.points_ = render::PointsPass::create(ctx, format, name + ".points");
        }
        break;
    case compute::OutputKind::mesh:
        d.mesh_ = render::MeshPass::create(ctx, format, targets.front()->extent(), output.grid, name + ".mesh");
        break;
    }
    return d;
}

VkImageLayout Drawer::layout() const noexcept {
    return output_.kind == compute::OutputKind::image || splat_ ? VK_IMAGE_LAYOUT_GENERAL
                                                                : VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
}

StageScope Drawer::write_scope() const noexcept {
    if (output_.kind == compute::OutputKind::image || splat_)
        return {VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT};
    return {VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT, VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT};
}

void Drawer::record(VkCommandBuffer cmd, std::uint32_t slot, std::uint64_t frame, std::uint32_t target,
                    const PaneView* view) const {
    const render::Image& image = *targets_.at(target);
    const core::Extent2D extent{pane_.extent.width, pane_.extent.height};
    auto camera = [&] {
        return view && view->orbit ? orbit_camera(extent, view->yaw, view->pitch, view->distance)
                                   : camera_for(output_.kind, extent, frame);
    };
    switch (output_.kind) {
    case compute::OutputKind::image: {
        render::CompositeRect rect{
            .x = pane_.offset.x, .y = pane_.offset.y, .extent = extent, .lod = output_.display_lod};
        if (view) {
            const float span = 1.0f / view->zoom;
            rect.uv_span = {span, span};
            rect.uv_origin = {view->center[0] - 0.5f * span, view->center[1] - 0.5f * span};
        }
        if (output_.format == compute::PixelFormat::r32f) {
            rect.mode = !view ? render::ColorMode::grey : view->scalar;
            rect.range = view ? view->range : std::array<float, 2>{0.0f, 1.0f};
            rect.source_extent = output_.extent;
            // The automatic range reads a level of at most ~256x256 texels: one dispatch of <= 256 groups.
            std::uint32_t level = 0;
            while (level + 1 < output_.mip_levels && output_.level_extent(level).pixels() > 65536)
                ++level;
            rect.range_level = level;
        }
        compositor_->record(cmd, bindings_.at(std::size_t(target) * slots_.size() + slot), rect);
        break;
    }
    case compute::OutputKind::points:
        if (splat_) {
            splat_->record(cmd, splat_sets_.at(std::size_t(target) * slots_.size() + slot), pane_,
                           std::uint32_t(output_.vertex_count), camera());
            break;
        }
        points_->record(cmd, image, pane_, slots_.at(slot).vertices, std::uint32_t(output_.vertex_count), camera());
        break;
    case compute::OutputKind::mesh:
        mesh_->record(cmd, image, pane_, slots_.at(slot).vertices, camera());
        break;
    }
}

} // namespace cuvk::engine
