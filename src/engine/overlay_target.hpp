#pragma once
// Targets that wrap another target (internal to the engine): OverlayTarget draws the viewer's panel over every frame,
// CopyThroughTarget gives a headless target the copy path of a swapchain. Both hold a reference: the inner target
// outlives them. record_frame_copy() is the copy itself, shared with SwapchainTarget's copy mode.

#include "cuvk/engine/target.hpp"
#include "cuvk/render/image.hpp"

#include <functional>

namespace cuvk::engine {

// Records the copy of `drawn` (in state.layout after state.last_write) over `dst` (same size, any format a blit
// converts to; its old contents discarded): `drawn` ends in TRANSFER_SRC_OPTIMAL (state updated), `dst` in
// TRANSFER_DST_OPTIMAL with the blit's write to make visible.
void record_frame_copy(VkCommandBuffer cmd, const render::Image& drawn, TargetState& state, VkImage dst);

// Forwards every call to the inner target; subclasses replace what they change.
class ForwardingTarget : public Target {
public:
    explicit ForwardingTarget(Target& inner) : inner_(inner) {}
    core::Extent2D extent() const override { return inner_.extent(); }
    std::span<const render::Image* const> images() const override { return inner_.images(); }
    std::uint32_t begin_frame(core::FrameIndex k) override { return inner_.begin_frame(k); }
    void record_end_frame(VkCommandBuffer cmd, core::FrameIndex k, std::uint32_t image, TargetState& state) override {
        inner_.record_end_frame(cmd, k, image, state);
    }
    void add_waits(core::FrameIndex k, std::vector<render::SemaphoreSubmit>& waits) override {
        inner_.add_waits(k, waits);
    }
    void add_signals(core::FrameIndex k, std::vector<render::SemaphoreSubmit>& signals) override {
        inner_.add_signals(k, signals);
    }
    void end_frame(core::FrameIndex k) override { inner_.end_frame(k); }
    void on_retired(core::FrameIndex k) override { inner_.on_retired(k); }

protected:
    Target& inner_;
};

// Draws an overlay (the viewer's ImGui panel) over every frame of another target, after the panes and before the
// inner target ends the frame (its readback, copy or present transition), in the same command buffer.
class OverlayTarget final : public ForwardingTarget {
public:
    // `draw` records the overlay into image `image` of the inner target, which is in `layout` before and after, its
    // earlier writes made visible to `scope` (the overlay's reads and writes); frames where `active` says no (the
    // panel is hidden) are left alone, without a barrier.
    using Draw = std::function<void(VkCommandBuffer cmd, std::uint32_t image)>;
    OverlayTarget(Target& inner, Draw draw, std::function<bool()> active, VkImageLayout layout, StageScope scope)
        : ForwardingTarget(inner), draw_(std::move(draw)), active_(std::move(active)), layout_(layout), scope_(scope) {}

    void record_end_frame(VkCommandBuffer cmd, core::FrameIndex k, std::uint32_t image, TargetState& state) override;

private:
    Draw draw_;
    std::function<bool()> active_;
    VkImageLayout layout_;
    StageScope scope_;
};

// Draws every frame into an RGBA8 image of its own and blits it into another target's image: the copy path of a
// swapchain whose images cannot be storage images, made available headless so that its cost can be measured on a
// machine without a display (cuvk-viewer --headless --copy-path). The inner target has one image.
// Owns the intermediate image; the Context and the inner target outlive it.
class CopyThroughTarget final : public ForwardingTarget {
public:
    CopyThroughTarget(const render::Context& ctx, Target& inner);

    std::span<const render::Image* const> images() const override { return {&image_ptr_, 1}; }
    std::uint32_t begin_frame(core::FrameIndex k) override {
        (void)inner_.begin_frame(k);
        return 0;
    }
    void record_end_frame(VkCommandBuffer cmd, core::FrameIndex k, std::uint32_t image, TargetState& state) override;

private:
    render::Image image_;
    const render::Image* image_ptr_ = nullptr;
    TargetState inner_state_; // of the inner target's image
};

} // namespace cuvk::engine
