#include "cuvk/render/imgui_layer.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/render/check.hpp"
#include "cuvk/render/commands.hpp"

#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_vulkan.h>

#include <atomic>

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

} // namespace

std::unique_ptr<ImGuiLayer> ImGuiLayer::create(const Context& ctx, const ImGuiLayerInfo& info,
                                               std::span<const Image* const> targets) {
    if (info.frames_in_flight < 2 || info.frames_in_flight > 16)
        core::fail("ImGuiLayer: frames_in_flight must be 2..16", info.name);
    CUVK_ASSERT(!targets.empty(), "the overlay draws into at least one target image");
    std::unique_ptr<ImGuiLayer> out(new ImGuiLayer(ctx, info));
    IMGUI_CHECKVERSION();
    out->imgui_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(out->imgui_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr; // the viewer keeps its layout in presets, not in imgui.ini beside the binary
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
    const VkDescriptorPoolCreateInfo pool_info{.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
                                               .flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT,
                                               .maxSets = 16,
                                               .poolSizeCount = 1,
                                               .pPoolSizes = sizes};
    VkDescriptorPool pool = VK_NULL_HANDLE;
    CUVK_VK(vkCreateDescriptorPool(ctx.device(), &pool_info, nullptr, &pool), info.name);
    out->pool_ = UniqueDescriptorPool(pool, {ctx.device()});

    // Drawn over what the panes left: load it, keep the layout the frame loop tracks.
    const VkAttachmentDescription color{.format = info.format,
                                        .samples = VK_SAMPLE_COUNT_1_BIT,
                                        .loadOp = VK_ATTACHMENT_LOAD_OP_LOAD,
                                        .storeOp = VK_ATTACHMENT_STORE_OP_STORE,
                                        .stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE,
                                        .stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE,
                                        .initialLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                                        .finalLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    const VkAttachmentReference ref{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    const VkSubpassDescription subpass{
        .pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS, .colorAttachmentCount = 1, .pColorAttachments = &ref};
    const VkRenderPassCreateInfo pass_info{.sType = VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO,
                                           .attachmentCount = 1,
                                           .pAttachments = &color,
                                           .subpassCount = 1,
                                           .pSubpasses = &subpass};
    VkRenderPass pass = VK_NULL_HANDLE;
    CUVK_VK(vkCreateRenderPass(ctx.device(), &pass_info, nullptr, &pass), info.name);
    out->pass_ = {pass, {ctx.device()}};
    ctx.set_name(VK_OBJECT_TYPE_RENDER_PASS, pass, info.name + ".pass");
    out->make_framebuffers(targets);

    if (info.window) {
        if (!ImGui_ImplGlfw_InitForVulkan(info.window->get(), true))
            core::fail("Dear ImGui's GLFW backend did not initialise", info.name);
        out->glfw_backend_ = true;
    }
    ImGui_ImplVulkan_InitInfo init{};
    init.Instance = ctx.instance();
    init.PhysicalDevice = ctx.physical_device();
    init.Device = ctx.device();
    init.QueueFamily = ctx.queue_family().index;
    init.Queue = ctx.queue();
    init.DescriptorPool = out->pool_.get();
    init.MinImageCount = 2;
    init.ImageCount = info.frames_in_flight;
    init.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
    init.CheckVkResultFn = note_result;
    const bool ok = ImGui_ImplVulkan_Init(&init, pass);
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
    pass_.reset();
    pool_.reset();
    ImGui::DestroyContext(imgui_);
}

void ImGuiLayer::make_framebuffers(std::span<const Image* const> targets) {
    framebuffers_.clear();
    extents_.clear();
    for (const Image* image : targets) {
        CUVK_ASSERT(image->format() == info_.format, "every target image has the overlay's format");
        const VkImageView view = image->view();
        const VkFramebufferCreateInfo fb_info{.sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO,
                                              .renderPass = pass_.get(),
                                              .attachmentCount = 1,
                                              .pAttachments = &view,
                                              .width = image->extent().width,
                                              .height = image->extent().height,
                                              .layers = 1};
        VkFramebuffer fb = VK_NULL_HANDLE;
        CUVK_VK(vkCreateFramebuffer(ctx_.device(), &fb_info, nullptr, &fb), info_.name);
        framebuffers_.emplace_back(fb, DeviceChildDeleter<VkFramebuffer, vkDestroyFramebuffer>{ctx_.device()});
        extents_.push_back(image->extent());
    }
}

void ImGuiLayer::set_targets(std::span<const Image* const> targets) {
    make_framebuffers(targets);
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
}

void ImGuiLayer::record(VkCommandBuffer cmd, std::uint32_t target) const {
    ImGui::SetCurrentContext(imgui_);
    ImDrawData* data = ImGui::GetDrawData();
    const core::Extent2D extent = extents_.at(target);
    const VkRenderPassBeginInfo begin{.sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO,
                                      .renderPass = pass_.get(),
                                      .framebuffer = framebuffers_.at(target).get(),
                                      .renderArea = {{0, 0}, {extent.width, extent.height}}};
    vkCmdBeginRenderPass(cmd, &begin, VK_SUBPASS_CONTENTS_INLINE);
    if (data)
        ImGui_ImplVulkan_RenderDrawData(data, cmd);
    vkCmdEndRenderPass(cmd);
    check_backend("ImGui_ImplVulkan_RenderDrawData", info_.name);
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
