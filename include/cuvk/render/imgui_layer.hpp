#pragma once
// cuvk::render::ImGuiLayer — Dear ImGui drawn over a target image, last in a frame's commands.
//
// Owns: the ImGui context (made current while this layer lives: ImGui keeps a process-wide current-context
// pointer, so one layer at a time), Dear ImGui's Vulkan backend (its pipeline, font texture and per-frame vertex
// buffers), the GLFW backend when a window is given (its input callbacks chain after the Window's own), a render
// pass (LOAD, COLOR_ATTACHMENT_OPTIMAL in and out) and one framebuffer per target image, and the descriptor pool the
// backend allocates from. Destroyed in reverse. Needs: the Context, the Window (when given) and the target images,
// all outliving it (set_targets() after the images change).
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
    // Draws the last ended UI frame over target image `target` (COLOR_ATTACHMENT_OPTIMAL before and after).
    void record(VkCommandBuffer cmd, std::uint32_t target) const;

    ImGuiContext* context() const noexcept { return imgui_; }
    // True when ImGui wants the mouse / the keyboard (the pointer is over the panel, a text field has focus).
    bool wants_mouse() const;
    bool wants_keyboard() const;

private:
    ImGuiLayer(const Context& ctx, const ImGuiLayerInfo& info) : ctx_(ctx), info_(info) {}
    void make_framebuffers(std::span<const Image* const> targets);

    const Context& ctx_;
    ImGuiLayerInfo info_;
    // Creation order, destroyed in reverse (the backends are shut down in the destructor body, before these).
    ImGuiContext* imgui_ = nullptr;
    UniqueDescriptorPool pool_;
    core::Unique<VkRenderPass, DeviceChildDeleter<VkRenderPass, vkDestroyRenderPass>> pass_;
    std::vector<core::Unique<VkFramebuffer, DeviceChildDeleter<VkFramebuffer, vkDestroyFramebuffer>>> framebuffers_;
    std::vector<core::Extent2D> extents_;
    bool vulkan_backend_ = false;
    bool glfw_backend_ = false;
};

} // namespace cuvk::render
