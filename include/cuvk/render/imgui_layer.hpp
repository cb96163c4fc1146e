#pragma once
// cuvk::render::ImGuiLayer — Dear ImGui drawn over a target image, last in a frame's commands.
//
// A UI frame (new_frame() .. end_frame()) need not come with every displayed frame: Dear ImGui draws into a panel
// image of its own (premultiplied alpha over transparent black) when a new UI frame has ended, and every displayed
// frame lays that image over its target, only where the UI has pixels: with a compute pass where the target can be
// read and written as a storage image (RGBA8, or any format where the device reads storage images without a
// format), the target staying in GENERAL layout; else with a small blended raster pass. So a
// viewer running at thousands of frames per second builds its UI at display rate and pays a few microseconds of host
// time per frame for the panel (Dear ImGui's own per-frame vertex upload would cost far more).
//
// Owns: the ImGui context (made current while this layer lives: ImGui keeps a process-wide current-context
// pointer, so one layer at a time), Dear ImGui's Vulkan backend (its pipeline, font texture and per-frame vertex
// buffers), the GLFW backend when a window is given (its input callbacks chain after the Window's own), the panel
// image with its render pass and framebuffer, the blend pipeline with its render pass (LOAD, COLOR_ATTACHMENT_OPTIMAL
// in and out) and one framebuffer per target image, and the descriptor pools. Destroyed in reverse. Needs: the
// Context, the Window (when given) and the target images, all outliving it (set_targets() after they change).
// Headless (no window): the caller sets the display size in new_frame(); no input arrives.
// Throws: core::Error when the Vulkan backend fails (the VkResult by name).
// Threads: the thread that records and submits frames.

#include "cuvk/render/context.hpp"
#include "cuvk/render/handles.hpp"
#include "cuvk/render/image.hpp"
#include "cuvk/render/window.hpp"

#include <memory>
#include <span>
#include <string>
#include <vector>

struct ImGuiContext;

namespace cuvk::render {

struct ImGuiLayerInfo {
    VkFormat format = VK_FORMAT_R8G8B8A8_UNORM; // of every target image
    const Window* window = nullptr;             // input and display size from GLFW; null: headless
    float scale = 1.0f;                         // UI scale (HiDPI content scale)
    // Frames whose overlay may be in flight at once: the backend rotates this many vertex buffers (1..16).
    std::uint32_t frames_in_flight = 9;
    std::string name = "imgui";
};

class ImGuiLayer {
public:
    static std::unique_ptr<ImGuiLayer> create(const Context& ctx, const ImGuiLayerInfo& info,
                                              std::span<const Image* const> targets);
    ~ImGuiLayer();
    ImGuiLayer(const ImGuiLayer&) = delete;
    ImGuiLayer& operator=(const ImGuiLayer&) = delete;

    // New target images (after a swapchain was re-created); no frame may still use the old framebuffers.
    void set_targets(std::span<const Image* const> targets);
    // Starts a UI frame: `display` is the target's size in pixels, `dt` seconds since the last frame.
    void new_frame(core::Extent2D display, float dt);
    // Ends the UI frame (ImGui::Render); its draw data is what record() draws until the next new_frame().
    void end_frame();
    // Lays the last ended UI frame over target image `target` (in layout() before and after, its earlier writes
    // visible to scope()), first drawing it into the panel image if it is new. Frames are recorded in submission
    // order on one queue.
    void record(VkCommandBuffer cmd, std::uint32_t target);
    // How record() touches the target: GENERAL and the compute stage, or COLOR_ATTACHMENT_OPTIMAL and colour output.
    bool blends_by_compute() const noexcept { return compute_blend_; }
    VkImageLayout layout() const noexcept;
    VkPipelineStageFlags2 stage() const noexcept;
    VkAccessFlags2 access() const noexcept;

    ImGuiContext* context() const noexcept { return imgui_; }
    // True when ImGui wants the mouse / the keyboard (the pointer is over the panel, a text field has focus).
    bool wants_mouse() const;
    bool wants_keyboard() const;

private:
    ImGuiLayer(const Context& ctx, const ImGuiLayerInfo& info) : ctx_(ctx), info_(info) {}
    void make_framebuffers(std::span<const Image* const> targets);
    void make_panel(core::Extent2D extent);
    void make_compute_blend();
    void write_compute_sets();
    void record_panel(VkCommandBuffer cmd);

    using UniqueRenderPass = core::Unique<VkRenderPass, DeviceChildDeleter<VkRenderPass, vkDestroyRenderPass>>;
    using UniqueFramebuffer = core::Unique<VkFramebuffer, DeviceChildDeleter<VkFramebuffer, vkDestroyFramebuffer>>;

    const Context& ctx_;
    ImGuiLayerInfo info_;
    // Creation order, destroyed in reverse (the backends are shut down in the destructor body, before these).
    ImGuiContext* imgui_ = nullptr;
    UniqueDescriptorPool pool_; // Dear ImGui's
    UniqueRenderPass panel_pass_;
    Image panel_;
    UniqueFramebuffer panel_framebuffer_;
    UniqueSampler sampler_;
    UniqueDescriptorSetLayout set_layout_;
    UniqueDescriptorPool blend_pool_;
    VkDescriptorSet panel_set_ = VK_NULL_HANDLE;
    UniquePipelineLayout blend_layout_;
    UniqueRenderPass blend_pass_;
    UniquePipeline blend_pipeline_;
    std::vector<UniqueFramebuffer> framebuffers_;  // per target image (raster blend)
    UniqueDescriptorSetLayout compute_set_layout_; // compute blend: panel + target
    UniquePipelineLayout compute_layout_;
    UniquePipeline compute_pipeline_;
    UniqueDescriptorPool compute_pool_;
    std::vector<VkDescriptorSet> compute_sets_; // per target image
    std::vector<VkImageView> target_views_;
    bool compute_blend_ = false;
    std::vector<core::Extent2D> extents_;
    VkRect2D drawn_{};   // where the last UI frame has pixels (framebuffer pixels); empty: nothing to lay over
    bool dirty_ = false; // a UI frame ended that the panel image does not hold yet
    bool vulkan_backend_ = false;
    bool glfw_backend_ = false;
};

} // namespace cuvk::render
