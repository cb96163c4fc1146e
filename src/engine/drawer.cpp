#include "engine/drawer.hpp"

#define GLM_FORCE_DEPTH_ZERO_TO_ONE
#include <glm/gtc/matrix_transform.hpp>
#include <glm/gtc/type_ptr.hpp>
#include <glm/mat4x4.hpp>

#include <cstring>

namespace cuvk::engine {

ReadScope read_scope(compute::OutputKind kind) {
    if (kind == compute::OutputKind::image)
        return {VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_SAMPLED_READ_BIT};
    return {VK_PIPELINE_STAGE_2_VERTEX_ATTRIBUTE_INPUT_BIT, VK_ACCESS_2_VERTEX_ATTRIBUTE_READ_BIT};
}

render::RasterPush camera_for(compute::OutputKind kind, core::Extent2D target, std::uint64_t frame) {
    const bool points = kind == compute::OutputKind::points;
    const float yaw = (points ? 0.6f : 0.8f) + float(frame % 100000) * (points ? 0.004f : 0.002f);
    const float pitch = points ? 0.35f : 0.65f;
    const float distance = points ? 3.4f : 2.7f;
    const glm::vec3 eye(distance * std::cos(pitch) * std::sin(yaw), distance * std::sin(pitch),
                        distance * std::cos(pitch) * std::cos(yaw));
    const glm::mat4 view = glm::lookAt(eye, glm::vec3(0.0f), glm::vec3(0.0f, 1.0f, 0.0f));
    glm::mat4 projection =
        glm::perspective(glm::radians(45.0f), float(target.width) / float(target.height), 0.05f, 20.0f);
    projection[1][1] *= -1.0f; // Vulkan's clip space has y pointing down
    const glm::mat4 vp = projection * view;
    render::RasterPush push;
    std::memcpy(push.view_projection.data(), glm::value_ptr(vp), sizeof(float) * 16);
    push.light = {0.4f, 1.0f, 0.3f, 0.0f};
    return push;
}

Drawer Drawer::create(const render::Context& ctx, const compute::OutputSpec& output, const render::Image& target,
                      std::span<const SlotOutput> slots, const std::string& name) {
    Drawer d;
    d.output_ = output;
    d.target_ = &target;
    d.slots_.assign(slots.begin(), slots.end());
    switch (output.kind) {
    case compute::OutputKind::image:
        d.compositor_ = render::Compositor::create(
            ctx, {.max_bindings = std::uint32_t(slots.size()), .linear = true, .name = name + ".compositor"});
        for (const auto& s : slots)
            d.bindings_.push_back(d.compositor_->bind(s.image->view(), target.view()));
        break;
    case compute::OutputKind::points:
        d.points_ = render::PointsPass::create(ctx, target.format(), name + ".points");
        break;
    case compute::OutputKind::mesh:
        d.mesh_ = render::MeshPass::create(ctx, target.format(), target.extent(), output.grid, name + ".mesh");
        break;
    }
    return d;
}

VkImageLayout Drawer::final_layout() const noexcept {
    return output_.kind == compute::OutputKind::image ? VK_IMAGE_LAYOUT_GENERAL
                                                      : VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
}

ReadScope Drawer::write_scope() const noexcept {
    if (output_.kind == compute::OutputKind::image)
        return {VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT};
    return {VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT, VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT};
}

void Drawer::record(VkCommandBuffer cmd, std::uint32_t slot, std::uint64_t frame) const {
    const auto write = write_scope();
    // Discard the previous frame: every pixel is rewritten (compositor covers the target, raster clears it). The
    // source scope covers whatever touched the target last (the previous draw or a readback copy).
    render::record_barrier(cmd, {.image = target_->get(),
                                 .src_stage = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                                 .src_access = VK_ACCESS_2_MEMORY_WRITE_BIT,
                                 .dst_stage = write.stage,
                                 .dst_access = write.access,
                                 .old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
                                 .new_layout = final_layout()});
    const auto extent = target_->extent();
    switch (output_.kind) {
    case compute::OutputKind::image:
        compositor_->record(cmd, bindings_.at(slot), {.extent = extent, .lod = output_.display_lod});
        break;
    case compute::OutputKind::points:
        points_->record(cmd, *target_, slots_.at(slot).vertices, std::uint32_t(output_.vertex_count),
                        camera_for(output_.kind, extent, frame));
        break;
    case compute::OutputKind::mesh:
        mesh_->record(cmd, *target_, slots_.at(slot).vertices, camera_for(output_.kind, extent, frame));
        break;
    }
}

} // namespace cuvk::engine
