#include "cuvk/render/raster.hpp"

#include "cuvk/render/check.hpp"
#include "cuvk/render/commands.hpp"
#include "cuvk/render/compositor.hpp"
#include "shaders.hpp"

#include <cstring>

namespace cuvk::render {
namespace {

constexpr VkFormat kDepthFormat = VK_FORMAT_D32_SFLOAT;

struct PipelineDesc {
    std::span<const std::uint32_t> vert, frag;
    VkPrimitiveTopology topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
    std::span<const VkVertexInputAttributeDescription> attributes;
    std::uint32_t stride = 0;
    bool additive = false;
    bool depth = false;
    VkFormat color_format = VK_FORMAT_R8G8B8A8_UNORM;
    std::string name;
};

UniquePipelineLayout make_layout(const Context& ctx, const std::string& name) {
    const VkPushConstantRange range{VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(RasterPush)};
    const VkPipelineLayoutCreateInfo info{.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
                                          .pushConstantRangeCount = 1,
                                          .pPushConstantRanges = &range};
    VkPipelineLayout layout = VK_NULL_HANDLE;
    CUVK_VK(vkCreatePipelineLayout(ctx.device(), &info, nullptr, &layout), name);
    return UniquePipelineLayout(layout, {ctx.device()});
}

UniquePipeline make_pipeline(const Context& ctx, VkPipelineLayout layout, const PipelineDesc& d) {
    const auto vert = create_shader_module(ctx, d.vert, d.name + ".vert");
    const auto frag = create_shader_module(ctx, d.frag, d.name + ".frag");
    const VkPipelineShaderStageCreateInfo stages[] = {
        {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
         .stage = VK_SHADER_STAGE_VERTEX_BIT,
         .module = vert.get(),
         .pName = "main"},
        {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
         .stage = VK_SHADER_STAGE_FRAGMENT_BIT,
         .module = frag.get(),
         .pName = "main"},
    };
    const VkVertexInputBindingDescription binding{0, d.stride, VK_VERTEX_INPUT_RATE_VERTEX};
    const VkPipelineVertexInputStateCreateInfo vertex_input{
        .sType = VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO,
        .vertexBindingDescriptionCount = 1,
        .pVertexBindingDescriptions = &binding,
        .vertexAttributeDescriptionCount = std::uint32_t(d.attributes.size()),
        .pVertexAttributeDescriptions = d.attributes.data()};
    const VkPipelineInputAssemblyStateCreateInfo assembly{
        .sType = VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO, .topology = d.topology};
    const VkPipelineViewportStateCreateInfo viewport{
        .sType = VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO, .viewportCount = 1, .scissorCount = 1};
    const VkPipelineRasterizationStateCreateInfo raster{.sType =
                                                            VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO,
                                                        .polygonMode = VK_POLYGON_MODE_FILL,
                                                        .cullMode = VK_CULL_MODE_NONE,
                                                        .frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE,
                                                        .lineWidth = 1.0f};
    const VkPipelineMultisampleStateCreateInfo multisample{.sType =
                                                               VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO,
                                                           .rasterizationSamples = VK_SAMPLE_COUNT_1_BIT};
    const VkPipelineDepthStencilStateCreateInfo depth{.sType =
                                                          VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO,
                                                      .depthTestEnable = d.depth,
                                                      .depthWriteEnable = d.depth,
                                                      .depthCompareOp = VK_COMPARE_OP_LESS};
    const VkPipelineColorBlendAttachmentState blend{.blendEnable = d.additive,
                                                    .srcColorBlendFactor = VK_BLEND_FACTOR_ONE,
                                                    .dstColorBlendFactor = VK_BLEND_FACTOR_ONE,
                                                    .colorBlendOp = VK_BLEND_OP_ADD,
                                                    .srcAlphaBlendFactor = VK_BLEND_FACTOR_ONE,
                                                    .dstAlphaBlendFactor = VK_BLEND_FACTOR_ZERO,
                                                    .alphaBlendOp = VK_BLEND_OP_ADD,
                                                    .colorWriteMask =
                                                        VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
                                                        VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT};
    const VkPipelineColorBlendStateCreateInfo color_blend{.sType =
                                                              VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO,
                                                          .attachmentCount = 1,
                                                          .pAttachments = &blend};
    const VkDynamicState dynamic_states[] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
    const VkPipelineDynamicStateCreateInfo dynamic{.sType = VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO,
                                                   .dynamicStateCount = 2,
                                                   .pDynamicStates = dynamic_states};
    const VkPipelineRenderingCreateInfo rendering{.sType = VK_STRUCTURE_TYPE_PIPELINE_RENDERING_CREATE_INFO,
                                                  .colorAttachmentCount = 1,
                                                  .pColorAttachmentFormats = &d.color_format,
                                                  .depthAttachmentFormat =
                                                      d.depth ? kDepthFormat : VK_FORMAT_UNDEFINED};
    const VkGraphicsPipelineCreateInfo info{.sType = VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO,
                                            .pNext = &rendering,
                                            .stageCount = 2,
                                            .pStages = stages,
                                            .pVertexInputState = &vertex_input,
                                            .pInputAssemblyState = &assembly,
                                            .pViewportState = &viewport,
                                            .pRasterizationState = &raster,
                                            .pMultisampleState = &multisample,
                                            .pDepthStencilState = &depth,
                                            .pColorBlendState = &color_blend,
                                            .pDynamicState = &dynamic,
                                            .layout = layout};
    VkPipeline pipeline = VK_NULL_HANDLE;
    CUVK_VK(vkCreateGraphicsPipelines(ctx.device(), VK_NULL_HANDLE, 1, &info, nullptr, &pipeline), d.name);
    ctx.set_name(VK_OBJECT_TYPE_PIPELINE, pipeline, d.name);
    return UniquePipeline(pipeline, {ctx.device()});
}

void begin(VkCommandBuffer cmd, const Image& target, const VkRect2D& area, const Image* depth) {
    const VkRenderingAttachmentInfo color{.sType = VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO,
                                          .imageView = target.view(),
                                          .imageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                                          .loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR,
                                          .storeOp = VK_ATTACHMENT_STORE_OP_STORE,
                                          .clearValue = {.color = {{0.0f, 0.0f, 0.0f, 1.0f}}}};
    VkRenderingAttachmentInfo depth_info{};
    if (depth)
        depth_info = {.sType = VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO,
                      .imageView = depth->view(),
                      .imageLayout = VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL,
                      .loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR,
                      .storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE,
                      .clearValue = {.depthStencil = {1.0f, 0}}};
    const VkRenderingInfo info{.sType = VK_STRUCTURE_TYPE_RENDERING_INFO,
                               .renderArea = area,
                               .layerCount = 1,
                               .colorAttachmentCount = 1,
                               .pColorAttachments = &color,
                               .pDepthAttachment = depth ? &depth_info : nullptr};
    vkCmdBeginRendering(cmd, &info);
    const VkViewport viewport{
        float(area.offset.x), float(area.offset.y), float(area.extent.width), float(area.extent.height), 0.0f, 1.0f};
    vkCmdSetViewport(cmd, 0, 1, &viewport);
    vkCmdSetScissor(cmd, 0, 1, &area);
}

} // namespace

std::vector<std::uint32_t> grid_indices(core::Extent2D grid) {
    std::vector<std::uint32_t> out;
    if (grid.width < 2 || grid.height < 2)
        return out;
    out.reserve(std::size_t(grid.width - 1) * (grid.height - 1) * 6);
    for (std::uint32_t z = 0; z + 1 < grid.height; ++z)
        for (std::uint32_t x = 0; x + 1 < grid.width; ++x) {
            const std::uint32_t i = z * grid.width + x;
            const std::uint32_t j = i + grid.width;
            out.insert(out.end(), {i, j, i + 1, i + 1, j, j + 1});
        }
    return out;
}

PointsPass PointsPass::create(const Context& ctx, VkFormat color_format, const std::string& name) {
    PointsPass p;
    p.layout_ = make_layout(ctx, name);
    const VkVertexInputAttributeDescription attributes[] = {
        {0, 0, VK_FORMAT_R32G32B32_SFLOAT, 0},
        {1, 0, VK_FORMAT_R8G8B8A8_UNORM, 12},
    };
    p.pipeline_ = make_pipeline(ctx, p.layout_.get(),
                                {.vert = shaders::points_vert(),
                                 .frag = shaders::points_frag(),
                                 .topology = VK_PRIMITIVE_TOPOLOGY_POINT_LIST,
                                 .attributes = attributes,
                                 .stride = 16,
                                 .additive = true,
                                 .color_format = color_format,
                                 .name = name});
    return p;
}

void PointsPass::record(VkCommandBuffer cmd, const Image& target, const VkRect2D& area, VkBuffer vertices,
                        std::uint32_t count, const RasterPush& push) const {
    begin(cmd, target, area, nullptr);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_.get());
    vkCmdPushConstants(cmd, layout_.get(), VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0,
                       sizeof(RasterPush), &push);
    const VkDeviceSize offset = 0;
    vkCmdBindVertexBuffers(cmd, 0, 1, &vertices, &offset);
    vkCmdDraw(cmd, count, 1, 0, 0);
    vkCmdEndRendering(cmd);
}

MeshPass MeshPass::create(const Context& ctx, VkFormat color_format, core::Extent2D extent, core::Extent2D grid,
                          const std::string& name) {
    MeshPass m;
    m.layout_ = make_layout(ctx, name);
    const VkVertexInputAttributeDescription attributes[] = {
        {0, 0, VK_FORMAT_R32G32B32A32_SFLOAT, 0},
        {1, 0, VK_FORMAT_R32G32B32A32_SFLOAT, 16},
    };
    m.pipeline_ = make_pipeline(ctx, m.layout_.get(),
                                {.vert = shaders::mesh_vert(),
                                 .frag = shaders::mesh_frag(),
                                 .attributes = attributes,
                                 .stride = 32,
                                 .depth = true,
                                 .color_format = color_format,
                                 .name = name});
    const auto indices = grid_indices(grid);
    if (indices.empty())
        core::fail("a mesh needs at least 2x2 vertices, got " + core::to_string(grid), name);
    m.index_count_ = std::uint32_t(indices.size());
    const VkDeviceSize bytes = indices.size() * sizeof(std::uint32_t);
    m.indices_ = Buffer::create(ctx, {.size = bytes,
                                      .usage = VK_BUFFER_USAGE_INDEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                      .name = name + ".indices"});
    const auto upload =
        Buffer::create(ctx, {.size = bytes,
                             .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                             .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                             .name = name + ".indices.upload"});
    std::memcpy(upload.mapped().data(), indices.data(), bytes);
    m.depth_ = Image::create(ctx, {.extent = extent,
                                   .format = kDepthFormat,
                                   .usage = VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT,
                                   .name = name + ".depth"});
    submit_and_wait(
        ctx,
        [&](VkCommandBuffer cmd) {
            const VkBufferCopy region{0, 0, bytes};
            vkCmdCopyBuffer(cmd, upload.get(), m.indices_.get(), 1, &region);
            record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                  VK_PIPELINE_STAGE_2_INDEX_INPUT_BIT, VK_ACCESS_2_INDEX_READ_BIT);
            m.record_prepare(cmd);
        },
        name + ".upload");
    return m;
}

void MeshPass::record_prepare(VkCommandBuffer cmd) const {
    record_barrier(
        cmd,
        {.image = depth_.get(),
         .dst_stage = VK_PIPELINE_STAGE_2_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT,
         .dst_access = VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT | VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_READ_BIT,
         .old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
         .new_layout = VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL,
         .aspect = VK_IMAGE_ASPECT_DEPTH_BIT});
}

void MeshPass::record(VkCommandBuffer cmd, const Image& target, const VkRect2D& area, VkBuffer vertices,
                      const RasterPush& push) const {
    // The previous frame's depth test must finish before this frame clears the depth buffer.
    record_barrier(
        cmd,
        {.image = depth_.get(),
         .src_stage = VK_PIPELINE_STAGE_2_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT,
         .src_access = VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT,
         .dst_stage = VK_PIPELINE_STAGE_2_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT,
         .dst_access = VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT | VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_READ_BIT,
         .old_layout = VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL,
         .new_layout = VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL,
         .aspect = VK_IMAGE_ASPECT_DEPTH_BIT});
    begin(cmd, target, area, &depth_);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_.get());
    vkCmdPushConstants(cmd, layout_.get(), VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0,
                       sizeof(RasterPush), &push);
    const VkDeviceSize offset = 0;
    vkCmdBindVertexBuffers(cmd, 0, 1, &vertices, &offset);
    vkCmdBindIndexBuffer(cmd, indices_.get(), 0, VK_INDEX_TYPE_UINT32);
    vkCmdDrawIndexed(cmd, index_count_, 1, 0, 0, 0);
    vkCmdEndRendering(cmd);
}

} // namespace cuvk::render
