#include "cuvk/render/imgui_layer.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/render/check.hpp"
#include "cuvk/render/commands.hpp"
#include "cuvk/render/compositor.hpp"
#include "pipelines.hpp"
#include "shaders.hpp"

#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_vulkan.h>
#include <imgui.h>

#include <algorithm>
#include <atomic>
#include <cmath>

namespace cuvk::render {
namespace {

// The Vulkan backend reports results through a C function pointer without user data: keep the first failure here
// and turn it into an exception after the backend call returns (throwing through the backend would leave it
// half-done).
std::atomic<int> g_backend_result{VK_SUCCESS};

void note_result(VkResult r) {
    if (r < 0) {
        int expected = VK_SUCCESS;
        g_backend_result.compare_exchange_strong(expected, int(r));
    }
}

void check_backend(const char* call, const std::string& name) {
    const int r = g_backend_result.exchange(VK_SUCCESS);
    if (r != VK_SUCCESS)
        check_vk(VkResult(r), call, name);
}

// One colour attachment of `format`, COLOR_ATTACHMENT_OPTIMAL in and out (barriers are the caller's).
VkRenderPass make_pass(const Context& ctx, VkFormat format, VkAttachmentLoadOp load, const std::string& name) {
    const VkAttachmentDescription color{.format = format,
                                        .samples = VK_SAMPLE_COUNT_1_BIT,
                                        .loadOp = load,
                                        .storeOp = VK_ATTACHMENT_STORE_OP_STORE,
                                        .stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE,
                                        .stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE,
                                        .initialLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                                        .finalLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    const VkAttachmentReference ref{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    const VkSubpassDescription subpass{
        .pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS, .colorAttachmentCount = 1, .pColorAttachments = &ref};
    const VkRenderPassCreateInfo info{.sType = VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO,
                                      .attachmentCount = 1,
                                      .pAttachments = &color,
                                      .subpassCount = 1,
                                      .pSubpasses = &subpass};
    VkRenderPass pass = VK_NULL_HANDLE;
    CUVK_VK(vkCreateRenderPass(ctx.device(), &info, nullptr, &pass), name);
    ctx.set_name(VK_OBJECT_TYPE_RENDER_PASS, pass, name);
    return pass;
}

VkFramebuffer make_framebuffer(const Context& ctx, VkRenderPass pass, const Image& image, const std::string& name) {
    const VkImageView view = image.view();
    const VkFramebufferCreateInfo info{.sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO,
                                       .renderPass = pass,
                                       .attachmentCount = 1,
                                       .pAttachments = &view,
                                       .width = image.extent().width,
                                       .height = image.extent().height,
                                       .layers = 1};
    VkFramebuffer fb = VK_NULL_HANDLE;
    CUVK_VK(vkCreateFramebuffer(ctx.device(), &info, nullptr, &fb), name);
    return fb;
}

// The pass that lays the panel over a target: a full-target triangle, blended ONE, ONE_MINUS_SRC_ALPHA (the panel
// is premultiplied), dynamic viewport and scissor.
VkPipeline make_blend_pipeline(const Context& ctx, VkPipelineLayout layout, VkRenderPass pass,
                               const std::string& name) {
    const auto vert = create_shader_module(ctx, shaders::panel_vert(), name + ".vert");
    const auto frag = create_shader_module(ctx, shaders::panel_frag(), name + ".frag");
    const VkPipelineShaderStageCreateInfo stages[] = {{.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
                                                       .stage = VK_SHADER_STAGE_VERTEX_BIT,
                                                       .module = vert.get(),
                                                       .pName = "main"},
                                                      {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
                                                       .stage = VK_SHADER_STAGE_FRAGMENT_BIT,
                                                       .module = frag.get(),
                                                       .pName = "main"}};
    const VkPipelineVertexInputStateCreateInfo vertex_input{
        .sType = VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
    const VkPipelineInputAssemblyStateCreateInfo assembly{
        .sType = VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO,
        .topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST};
    const VkPipelineViewportStateCreateInfo viewport{
        .sType = VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO, .viewportCount = 1, .scissorCount = 1};
    const VkPipelineRasterizationStateCreateInfo raster{.sType =
                                                            VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO,
                                                        .polygonMode = VK_POLYGON_MODE_FILL,
                                                        .cullMode = VK_CULL_MODE_NONE,
                                                        .lineWidth = 1.0f};
    const VkPipelineMultisampleStateCreateInfo multisample{.sType =
                                                               VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO,
                                                           .rasterizationSamples = VK_SAMPLE_COUNT_1_BIT};
    const VkPipelineColorBlendAttachmentState blend{.blendEnable = VK_TRUE,
                                                    .srcColorBlendFactor = VK_BLEND_FACTOR_ONE,
                                                    .dstColorBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA,
                                                    .colorBlendOp = VK_BLEND_OP_ADD,
                                                    .srcAlphaBlendFactor = VK_BLEND_FACTOR_ONE,
                                                    .dstAlphaBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA,
                                                    .alphaBlendOp = VK_BLEND_OP_ADD,
                                                    .colorWriteMask = 0xf};
    const VkPipelineColorBlendStateCreateInfo blend_state{.sType =
                                                              VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO,
                                                          .attachmentCount = 1,
                                                          .pAttachments = &blend};
    const VkDynamicState dynamic_states[] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
    const VkPipelineDynamicStateCreateInfo dynamic{.sType = VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO,
                                                   .dynamicStateCount = 2,
                                                   .pDynamicStates = dynamic_states};
    const VkGraphicsPipelineCreateInfo info{.sType = VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO,
                                            .stageCount = 2,
                                            .pStages = stages,
                                            .pVertexInputState = &vertex_input,
                                            .pInputAssemblyState = &assembly,
                                            .pViewportState = &viewport,
                                            .pRasterizationState = &raster,
                                            .pMultisampleState = &multisample,
                                            .pColorBlendState = &blend_state,
                                            .pDynamicState = &dynamic,
                                            .layout = layout,
                                            .renderPass = pass};
    VkPipeline pipeline = VK_NULL_HANDLE;
    CUVK_VK(vkCreateGraphicsPipelines(ctx.device(), VK_NULL_HANDLE, 1, &info, nullptr, &pipeline), name);
    ctx.set_name(VK_OBJECT_TYPE_PIPELINE, pipeline, name);
    return pipeline;
}

} // namespace

std::unique_ptr<ImGuiLayer> ImGuiLayer::create(const Context& ctx, const ImGuiLayerInfo& info,
                                               std::span<const Image* const> targets) {
    if (info.frames_in_flight < 2 || info.frames_in_flight > 16)
        core::fail("ImGuiLayer: frames_in_flight must be 2..16", info.name);
    CUVK_ASSERT(!targets.empty(), "the overlay draws into at least one target image");
    std::unique_ptr<ImGuiLayer> out(new ImGuiLayer(ctx, info));
    const VkDevice dev = ctx.device();
    IMGUI_CHECKVERSION();
    out->imgui_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(out->imgui_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr; // the viewer keeps its settings in presets, not in imgui.ini beside the binary
    io.LogFilename = nullptr;
    ImGui::StyleColorsDark();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 4.0f;
    style.FrameRounding = 3.0f;
    style.Colors[ImGuiCol_WindowBg].w = 0.88f;
    if (info.scale > 1.0f) {
        style.ScaleAllSizes(info.scale);
        io.FontGlobalScale = info.scale;
    }

    const VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 16}};
    out->pool_ = descriptor_pool(ctx, sizes, 16, info.name, VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT);

    // The panel image's pass: cleared to transparent black, Dear ImGui draws over it.
    out->panel_pass_ = {make_pass(ctx, VK_FORMAT_R8G8B8A8_UNORM, VK_ATTACHMENT_LOAD_OP_CLEAR, info.name + ".panel"),
                        {dev}};

    // The blend: the panel image read texel for texel by a full-target triangle.
    const VkSamplerCreateInfo sampler_info{.sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO,
                                           .magFilter = VK_FILTER_NEAREST,
                                           .minFilter = VK_FILTER_NEAREST,
                                           .addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
                                           .addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
                                           .addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE};
    VkSampler sampler = VK_NULL_HANDLE;
    CUVK_VK(vkCreateSampler(dev, &sampler_info, nullptr, &sampler), info.name);
    out->sampler_ = UniqueSampler(sampler, {dev});
    const VkDescriptorSetLayoutBinding binding{0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1,
                                               VK_SHADER_STAGE_FRAGMENT_BIT, nullptr};
    out->set_layout_ = set_layout(ctx, {&binding, 1}, info.name);
    const VkDescriptorPoolSize blend_sizes[] = {{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1}};
    out->blend_pool_ = descriptor_pool(ctx, blend_sizes, 1, info.name);
    out->panel_set_ = allocate_set(ctx, out->blend_pool_.get(), out->set_layout_.get(), info.name);
    out->blend_layout_ = pipeline_layout(ctx, out->set_layout_.get(), 0, 0, info.name);
    const VkPipelineLayout layout = out->blend_layout_.get();
    out->compute_blend_ = info.format == VK_FORMAT_R8G8B8A8_UNORM ||
                          (ctx.supports_storage_read_without_format() && ctx.supports_storage_write_without_format());
    if (out->compute_blend_) {
        out->make_compute_blend();
    } else {
        out->blend_pass_ = {make_pass(ctx, info.format, VK_ATTACHMENT_LOAD_OP_LOAD, info.name + ".blend"), {dev}};
        out->blend_pipeline_ =
            UniquePipeline(make_blend_pipeline(ctx, layout, out->blend_pass_.get(), info.name + ".blend"), {dev});
    }
    out->set_targets(targets);

    if (info.window) {
        if (!ImGui_ImplGlfw_InitForVulkan(info.window->get(), true))
            core::fail("Dear ImGui's GLFW backend did not initialise", info.name);
        out->glfw_backend_ = true;
    }
    ImGui_ImplVulkan_InitInfo init{};
    init.Instance = ctx.instance();
    init.PhysicalDevice = ctx.physical_device();
    init.Device = dev;
    init.QueueFamily = ctx.queue_family().index;
    init.Queue = ctx.queue();
    init.DescriptorPool = out->pool_.get();
    init.MinImageCount = 2;
    init.ImageCount = info.frames_in_flight;
    init.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
    init.CheckVkResultFn = note_result;
    const bool ok = ImGui_ImplVulkan_Init(&init, out->panel_pass_.get());
    check_backend("ImGui_ImplVulkan_Init", info.name);
    if (!ok)
        core::fail("Dear ImGui's Vulkan backend did not initialise", info.name);
    out->vulkan_backend_ = true;

    submit_and_wait(
        ctx, [](VkCommandBuffer cmd) { ImGui_ImplVulkan_CreateFontsTexture(cmd); }, info.name + ".fonts");
    ImGui_ImplVulkan_DestroyFontUploadObjects();
    check_backend("ImGui_ImplVulkan_CreateFontsTexture", info.name);
    return out;
}

ImGuiLayer::~ImGuiLayer() {
    if (!imgui_)
        return;
    ImGui::SetCurrentContext(imgui_);
    if (vulkan_backend_)
        ImGui_ImplVulkan_Shutdown();
    if (glfw_backend_)
        ImGui_ImplGlfw_Shutdown();
    framebuffers_.clear();
    compute_pool_.reset();
    compute_pipeline_.reset();
    compute_layout_.reset();
    compute_set_layout_.reset();
    blend_pipeline_.reset();
    blend_pass_.reset();
    blend_layout_.reset();
    blend_pool_.reset();
    set_layout_.reset();
    sampler_.reset();
    panel_framebuffer_.reset();
    panel_ = Image();
    panel_pass_.reset();
    pool_.reset();
    ImGui::DestroyContext(imgui_);
}

void ImGuiLayer::make_panel(core::Extent2D extent) {
    panel_framebuffer_.reset();
    panel_ = Image::create(ctx_, {.extent = extent,
                                  .format = VK_FORMAT_R8G8B8A8_UNORM,
                                  .usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT,
                                  .name = info_.name + ".panel"});
    panel_framebuffer_ = {make_framebuffer(ctx_, panel_pass_.get(), panel_, info_.name + ".panel"), {ctx_.device()}};
    const VkDescriptorImageInfo image{sampler_.get(), panel_.view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
    const VkWriteDescriptorSet write{.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
                                     .dstSet = panel_set_,
                                     .dstBinding = 0,
                                     .descriptorCount = 1,
                                     .descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
                                     .pImageInfo = &image};
    vkUpdateDescriptorSets(ctx_.device(), 1, &write, 0, nullptr);
    write_compute_sets();
    dirty_ = true; // the new image holds nothing yet: draw the last UI frame into it
}

void ImGuiLayer::make_compute_blend() {
    const VkDescriptorSetLayoutBinding bindings[] = {
        {0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        {1, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr}};
    compute_set_layout_ = set_layout(ctx_, bindings, info_.name);
    compute_layout_ = pipeline_layout(ctx_, compute_set_layout_.get(), 4 * sizeof(std::int32_t),
                                      VK_SHADER_STAGE_COMPUTE_BIT, info_.name);
    compute_pipeline_ = compute_pipeline(
        ctx_, info_.format == VK_FORMAT_R8G8B8A8_UNORM ? shaders::panel_comp() : shaders::panel_any_comp(),
        compute_layout_.get(), info_.name + ".blend");
    constexpr std::uint32_t kMaxTargets = 16; // swapchains hold a handful of images
    const VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, kMaxTargets},
                                          {VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, kMaxTargets}};
    compute_pool_ = descriptor_pool(ctx_, sizes, kMaxTargets, info_.name);
}

void ImGuiLayer::make_framebuffers(std::span<const Image* const> targets) {
    framebuffers_.clear();
    extents_.clear();
    target_views_.clear();
    compute_sets_.clear();
    if (compute_blend_) {
        CUVK_ASSERT(targets.size() <= 16, "the overlay blends into at most 16 target images");
        CUVK_VK(vkResetDescriptorPool(ctx_.device(), compute_pool_.get(), 0), info_.name);
    }
    for (const Image* image : targets) {
        CUVK_ASSERT(image->format() == info_.format, "every target image has the overlay's format");
        extents_.push_back(image->extent());
        target_views_.push_back(image->view());
        if (!compute_blend_) {
            framebuffers_.emplace_back(make_framebuffer(ctx_, blend_pass_.get(), *image, info_.name),
                                       DeviceChildDeleter<VkFramebuffer, vkDestroyFramebuffer>{ctx_.device()});
            continue;
        }
        compute_sets_.push_back(allocate_set(ctx_, compute_pool_.get(), compute_set_layout_.get(), info_.name));
    }
    write_compute_sets();
}

void ImGuiLayer::write_compute_sets() {
    for (std::size_t i = 0; i < compute_sets_.size(); ++i) {
        const VkDescriptorImageInfo panel{sampler_.get(), panel_.view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
        const VkDescriptorImageInfo target{VK_NULL_HANDLE, target_views_[i], VK_IMAGE_LAYOUT_GENERAL};
        const VkWriteDescriptorSet writes[] = {{.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
                                                .dstSet = compute_sets_[i],
                                                .dstBinding = 0,
                                                .descriptorCount = 1,
                                                .descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
                                                .pImageInfo = &panel},
                                               {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
                                                .dstSet = compute_sets_[i],
                                                .dstBinding = 1,
                                                .descriptorCount = 1,
                                                .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_IMAGE,
                                                .pImageInfo = &target}};
        vkUpdateDescriptorSets(ctx_.device(), 2, writes, 0, nullptr);
    }
}

void ImGuiLayer::set_targets(std::span<const Image* const> targets) {
    CUVK_ASSERT(!targets.empty(), "the overlay draws into at least one target image");
    // The old targets' views may be gone already (a re-created swapchain): no descriptor may be written with them.
    compute_sets_.clear();
    target_views_.clear();
    if (panel_.extent() != targets.front()->extent())
        make_panel(targets.front()->extent());
    make_framebuffers(targets);
}

VkImageLayout ImGuiLayer::layout() const noexcept {
    return compute_blend_ ? VK_IMAGE_LAYOUT_GENERAL : VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
}

VkPipelineStageFlags2 ImGuiLayer::stage() const noexcept {
    return compute_blend_ ? VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT : VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT;
}

VkAccessFlags2 ImGuiLayer::access() const noexcept {
    return compute_blend_ ? VK_ACCESS_2_SHADER_STORAGE_READ_BIT | VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT
                          : VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT;
}

void ImGuiLayer::new_frame(core::Extent2D display, float dt) {
    ImGui::SetCurrentContext(imgui_);
    ImGui_ImplVulkan_NewFrame();
    if (glfw_backend_)
        ImGui_ImplGlfw_NewFrame(); // display size, time and input from GLFW
    ImGuiIO& io = ImGui::GetIO();
    if (!glfw_backend_) { // with a window, GLFW's backend sets the size (screen units) and the framebuffer scale
        io.DisplaySize = ImVec2(float(display.width), float(display.height));
        io.DisplayFramebufferScale = ImVec2(1.0f, 1.0f);
        io.DeltaTime = dt > 0.0f ? dt : 1.0f / 60.0f;
    }
    ImGui::NewFrame();
}

void ImGuiLayer::end_frame() {
    ImGui::SetCurrentContext(imgui_);
    ImGui::Render();
    // Where the UI has pixels: the union of every draw command's clip rectangle, in framebuffer pixels.
    const ImDrawData* data = ImGui::GetDrawData();
    float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
    if (data)
        for (int l = 0; l < data->CmdListsCount; ++l)
            for (const ImDrawCmd& c : data->CmdLists[l]->CmdBuffer) {
                x0 = std::min(x0, (c.ClipRect.x - data->DisplayPos.x) * data->FramebufferScale.x);
                y0 = std::min(y0, (c.ClipRect.y - data->DisplayPos.y) * data->FramebufferScale.y);
                x1 = std::max(x1, (c.ClipRect.z - data->DisplayPos.x) * data->FramebufferScale.x);
                y1 = std::max(y1, (c.ClipRect.w - data->DisplayPos.y) * data->FramebufferScale.y);
            }
    const core::Extent2D e = panel_.extent();
    const auto clamp_x = [&](float v) { return std::clamp(v, 0.0f, float(e.width)); };
    const auto clamp_y = [&](float v) { return std::clamp(v, 0.0f, float(e.height)); };
    drawn_ = {};
    if (x1 > x0 && y1 > y0) {
        const auto left = std::int32_t(clamp_x(x0)), top = std::int32_t(clamp_y(y0));
        const auto right = std::int32_t(std::ceil(clamp_x(x1))), bottom = std::int32_t(std::ceil(clamp_y(y1)));
        if (right > left && bottom > top)
            drawn_ = {{left, top}, {std::uint32_t(right - left), std::uint32_t(bottom - top)}};
    }
    dirty_ = true;
}

void ImGuiLayer::record_panel(VkCommandBuffer cmd) {
    ImGui::SetCurrentContext(imgui_);
    // Earlier frames' blends read the panel image (submission order on one queue): they finish first. Its old
    // contents are discarded; the pass clears it.
    record_barrier(cmd, {.image = panel_.get(),
                         .src_stage = VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                         .src_access = VK_ACCESS_2_NONE,
                         .dst_stage = VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
                         .dst_access = VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT,
                         .old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
                         .new_layout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL});
    const core::Extent2D e = panel_.extent();
    const VkClearValue clear{.color = {{0.0f, 0.0f, 0.0f, 0.0f}}};
    const VkRenderPassBeginInfo begin{.sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO,
                                      .renderPass = panel_pass_.get(),
                                      .framebuffer = panel_framebuffer_.get(),
                                      .renderArea = {{0, 0}, {e.width, e.height}},
                                      .clearValueCount = 1,
                                      .pClearValues = &clear};
    vkCmdBeginRenderPass(cmd, &begin, VK_SUBPASS_CONTENTS_INLINE);
    if (ImDrawData* data = ImGui::GetDrawData())
        ImGui_ImplVulkan_RenderDrawData(data, cmd);
    vkCmdEndRenderPass(cmd);
    check_backend("ImGui_ImplVulkan_RenderDrawData", info_.name);
    record_barrier(cmd, {.image = panel_.get(),
                         .src_stage = VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
                         .src_access = VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT,
                         .dst_stage = VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                         .dst_access = VK_ACCESS_2_SHADER_SAMPLED_READ_BIT,
                         .old_layout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                         .new_layout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL});
    dirty_ = false;
}

void ImGuiLayer::record(VkCommandBuffer cmd, std::uint32_t target) {
    if (dirty_)
        record_panel(cmd);
    if (drawn_.extent.width == 0)
        return;
    const core::Extent2D extent = extents_.at(target);
    VkRect2D scissor = drawn_;
    scissor.extent.width = std::min<std::uint32_t>(
        scissor.extent.width, extent.width - std::min<std::uint32_t>(scissor.offset.x, extent.width));
    scissor.extent.height = std::min<std::uint32_t>(
        scissor.extent.height, extent.height - std::min<std::uint32_t>(scissor.offset.y, extent.height));
    if (scissor.extent.width == 0 || scissor.extent.height == 0 || panel_.extent() != extent)
        return;
    if (compute_blend_) {
        const std::int32_t push[4] = {scissor.offset.x, scissor.offset.y, std::int32_t(scissor.extent.width),
                                      std::int32_t(scissor.extent.height)};
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, compute_pipeline_.get());
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, compute_layout_.get(), 0, 1,
                                &compute_sets_.at(target), 0, nullptr);
        vkCmdPushConstants(cmd, compute_layout_.get(), VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, push);
        vkCmdDispatch(cmd, (scissor.extent.width + 15) / 16, (scissor.extent.height + 15) / 16, 1);
        return;
    }
    const VkRenderPassBeginInfo begin{.sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO,
                                      .renderPass = blend_pass_.get(),
                                      .framebuffer = framebuffers_.at(target).get(),
                                      .renderArea = scissor};
    vkCmdBeginRenderPass(cmd, &begin, VK_SUBPASS_CONTENTS_INLINE);
    const VkViewport viewport{0.0f, 0.0f, float(extent.width), float(extent.height), 0.0f, 1.0f};
    vkCmdSetViewport(cmd, 0, 1, &viewport);
    vkCmdSetScissor(cmd, 0, 1, &scissor);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, blend_pipeline_.get());
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, blend_layout_.get(), 0, 1, &panel_set_, 0, nullptr);
    vkCmdDraw(cmd, 3, 1, 0, 0);
    vkCmdEndRenderPass(cmd);
}

bool ImGuiLayer::wants_mouse() const {
    ImGui::SetCurrentContext(imgui_);
    return ImGui::GetIO().WantCaptureMouse;
}

bool ImGuiLayer::wants_keyboard() const {
    ImGui::SetCurrentContext(imgui_);
    return ImGui::GetIO().WantCaptureKeyboard;
}

} // namespace cuvk::render
