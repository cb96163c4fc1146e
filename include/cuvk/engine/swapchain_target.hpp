#pragma once
// cuvk::engine::SwapchainTarget — a FrameLoop Target that shows its frames in a window.
//
// Two ways to fill the window, chosen from what the surface offers (SwapchainTargetInfo::allow_storage forces the
// second, to measure it): `direct`, where the panes are composited by the compute shader straight into the
// swapchain image (STORAGE usage; DESIGN.md: the GPU's graphics units are few), and `copy`, where they are drawn into
// an offscreen RGBA8 image that one blit per frame copies into the swapchain image.
// Per frame: acquire() (before FrameLoop::advance) takes the next image with a semaphore from a small pool; the
// frame's first submission waits on it, its last signals the image's presentable semaphore; end_frame presents.
// Acquire semaphores return to the pool when their frame retires (a fence the loop's rings signalled): the host
// never waits on anything CUDA signals. Captures (screenshots, recording) are read back through a ring of host
// buffers as frames retire; a capture asked for while every buffer is busy is dropped and counted.
//
// Owns: the Swapchain (surface, swapchain, per-image presentable semaphores), the acquire semaphores, the copy
// image (copy mode) and the readback buffers. Needs: the Context and the Window, outliving it.
// Throws: core::Error (Vulkan failures naming the call; a minimised window cannot be rebuilt).
// Threads: the thread that drives the FrameLoop.

#include "cuvk/engine/target.hpp"
#include "cuvk/render/swapchain.hpp"
#include "cuvk/render/window.hpp"

#include <deque>
#include <functional>
#include <memory>

namespace cuvk::engine {

class Captures;

struct SwapchainTargetInfo {
    render::PresentMode present_mode = render::PresentMode::fifo;
    bool allow_storage = true;                                          // false: always the copy path
    std::uint32_t readbacks = 3;                                        // host buffers for captures in flight (0..8)
    std::function<bool(core::FrameIndex)> capture;                      // which frames to read back
    std::function<void(core::FrameIndex, render::Pixels&&)> on_capture; // each captured frame, RGBA8, in order
    std::string name = "window";
};

class SwapchainTarget final : public Target {
public:
    SwapchainTarget(const render::Context& ctx, const render::Window& window, const SwapchainTargetInfo& info);
    ~SwapchainTarget() override;

    // Acquires the image the next frame is drawn into. out_of_date: nothing was acquired; rebuild() first. timeout:
    // nothing was acquired within 100 ms (the window shows nothing); handle events and try again.
    render::SwapchainStatus acquire();
    // The swapchain reported suboptimal or out-of-date, or the window's size no longer matches it.
    bool needs_rebuild() const;
    // A new swapchain at the window's size (and `present_mode`). Every frame drawn into this target must have
    // retired (FrameLoop::finish) and the queue be idle; a FrameLoop holds views of the old images: make a new one.
    void rebuild(std::optional<render::PresentMode> present_mode = std::nullopt);

    bool direct() const noexcept { return swapchain_->storage(); }
    const render::Swapchain& swapchain() const noexcept { return *swapchain_; }
    std::uint64_t dropped_captures() const noexcept { return dropped_; }
    // A readback buffer is free: a capture of the next frame would not be dropped.
    bool can_capture() const;

    core::Extent2D extent() const override { return swapchain_->extent(); }
    std::span<const render::Image* const> images() const override { return images_; }
    std::uint32_t begin_frame(core::FrameIndex k) override;
    void record_end_frame(VkCommandBuffer cmd, core::FrameIndex k, std::uint32_t image, TargetState& state) override;
    void add_waits(core::FrameIndex k, std::vector<render::SemaphoreSubmit>& waits) override;
    void add_signals(core::FrameIndex k, std::vector<render::SemaphoreSubmit>& signals) override;
    void end_frame(core::FrameIndex k) override;
    void on_retired(core::FrameIndex k) override;

private:
    void make_images();
    struct InFlight {
        core::FrameIndex frame;
        std::uint32_t semaphore = 0; // index into semaphores_
        std::uint32_t image = 0;     // swapchain image
    };

    const render::Context& ctx_;
    const render::Window& window_;
    SwapchainTargetInfo info_;
    // Creation order, destroyed in reverse.
    std::unique_ptr<render::Swapchain> swapchain_;
    std::vector<render::UniqueSemaphore> semaphores_; // acquire semaphores
    std::vector<std::uint32_t> free_semaphores_;
    std::optional<render::Image> copy_image_; // copy mode: what the panes are drawn into
    std::unique_ptr<Captures> captures_;
    std::vector<const render::Image*> images_;
    std::optional<InFlight> acquired_; // acquired, not yet begun
    std::deque<InFlight> in_flight_;   // begun, not yet retired, in frame order
    bool stale_ = false;               // suboptimal or out of date seen
    std::uint64_t dropped_ = 0;
};

} // namespace cuvk::engine
