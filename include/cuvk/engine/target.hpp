#pragma once
// cuvk::engine::Target — what a FrameLoop draws into: an offscreen image (OffscreenTarget: the gallery, the stress
// tool, the benchmark, tests) or a window's swapchain (the viewer). The loop tracks each target image's layout as
// it records; a target adds what its frames need at the end (a readback copy, a transition for presenting) and the
// semaphores of its submissions (a swapchain's acquire and present).

#include "cuvk/engine/frame_ring.hpp"
#include "cuvk/render/buffer.hpp"
#include "cuvk/render/readback.hpp"

#include <functional>
#include <memory>
#include <span>

namespace cuvk::engine {

// A target image's layout and last write, as recorded so far (queue submission order is recording order).
struct TargetState {
    VkImageLayout layout = VK_IMAGE_LAYOUT_UNDEFINED;
    StageScope last_write{VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_ACCESS_2_MEMORY_WRITE_BIT};
};

class Target {
public:
    virtual ~Target() = default;
    virtual core::Extent2D extent() const = 0;
    // Every image a frame may be drawn into, all of one format: R8G8B8A8_UNORM, or B8G8R8A8_UNORM where the device
    // writes storage images without a format (a swapchain); with STORAGE usage, and COLOR_ATTACHMENT if raster().
    virtual std::span<const render::Image* const> images() const = 0;
    // True when the images can be rendered into by raster passes (points by raster, meshes).
    virtual bool raster() const { return true; }
    // Before recording frame k: the index of the image it is drawn into (a swapchain acquires here).
    virtual std::uint32_t begin_frame(core::FrameIndex k) = 0;
    // In the last command buffer of frame k, after every pane drew it into image `image`.
    virtual void record_end_frame(VkCommandBuffer cmd, core::FrameIndex k, std::uint32_t image, TargetState& state) = 0;
    // Semaphores of the first / the last submission that holds frame k.
    virtual void add_waits(core::FrameIndex k, std::vector<render::SemaphoreSubmit>& waits) { (void)k, (void)waits; }
    virtual void add_signals(core::FrameIndex k, std::vector<render::SemaphoreSubmit>& signals) {
        (void)k, (void)signals;
    }
    // After frame k's last submission (a swapchain presents here).
    virtual void end_frame(core::FrameIndex k) { (void)k; }
    // Once every submission that holds frame k has completed (an offscreen target reads captured pixels here).
    virtual void on_retired(core::FrameIndex k) { (void)k; }
};

struct OffscreenTargetInfo {
    core::Extent2D extent{1280, 720};
    std::uint32_t readbacks = 1;                   // host buffers: captures in flight at once (1..16)
    std::function<bool(core::FrameIndex)> capture; // which frames to read back; none when empty
    // Called from FrameLoop (on_retired), in frame order, with each captured frame; keep it cheap (no encoding).
    std::function<void(core::FrameIndex, render::Pixels&&)> on_capture;
    // Colour-attachment usage, for raster passes (points by raster, meshes). Without it the image is a storage image
    // only, which compute compositing writes faster on some GPUs (measured on the H200: a 7680x4320 frame ~0.4 ms).
    bool raster = true;
    std::string name = "target";
};

// An RGBA8 image (storage, transfer source and destination, and colour attachment unless raster is off), read back
// to host buffers for the frames `capture` selects.
// Owns the image and the readback buffers; the Context outlives it. Throws core::Error (Vulkan failures; a capture
// while all readback buffers hold frames not yet retired is a programmer error).
class Captures; // readback buffers (internal)

class OffscreenTarget final : public Target {
public:
    OffscreenTarget(const render::Context& ctx, const OffscreenTargetInfo& info);
    ~OffscreenTarget() override;

    core::Extent2D extent() const override { return info_.extent; }
    std::span<const render::Image* const> images() const override { return {&image_ptr_, 1}; }
    bool raster() const override { return info_.raster; }
    std::uint32_t begin_frame(core::FrameIndex) override { return 0; }
    void record_end_frame(VkCommandBuffer cmd, core::FrameIndex k, std::uint32_t image, TargetState& state) override;
    void on_retired(core::FrameIndex k) override;

    const render::Image& image() const noexcept;
    // A readback buffer is free: a frame `capture` selects now would not have to wait.
    bool can_capture() const;
    // Gives up the image and buffers without destroying them: for a GPU that never finished work using them.
    void abandon() noexcept { (void)owned_.release(); }

private:
    struct Owned; // on the heap, so that abandon() can leak it
    OffscreenTargetInfo info_;
    std::unique_ptr<Owned> owned_;
    const render::Image* image_ptr_ = nullptr;
};

} // namespace cuvk::engine
