#pragma once
// Reading a target's frames back without stalling: a ring of host-visible buffers, each holding one frame's copy
// until that frame retires. Used by OffscreenTarget and SwapchainTarget. BGRA8 images are handed over as RGBA8.
// Owns the buffers; the Context outlives it.

#include "cuvk/engine/target.hpp"
#include "cuvk/render/buffer.hpp"
#include "cuvk/render/readback.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace cuvk::engine {

class Captures {
public:
    Captures() = default;
    // `buffers` (0..16) buffers of `extent` RGBA8/BGRA8 pixels.
    Captures(const render::Context& ctx, core::Extent2D extent, std::uint32_t buffers, const std::string& name);

    bool empty() const noexcept { return buffers_.empty(); }
    // A buffer is free for a capture of frame k (none holds a frame that has not retired).
    bool can_capture() const;
    // Records the copy of `image` (in state.layout after state.last_write) into a free buffer; false when none is.
    bool record(VkCommandBuffer cmd, core::FrameIndex k, const render::Image& image, TargetState& state);
    // Frame k retired: hands its pixels (if captured) to `deliver`.
    void retire(core::FrameIndex k, const std::function<void(core::FrameIndex, render::Pixels&&)>& deliver);
    // Forgets every held frame (after the GPU finished: a swapchain is re-created, a loop is replaced).
    void clear() { holds_.assign(holds_.size(), std::nullopt); }

private:
    core::Extent2D extent_;
    std::vector<render::Buffer> buffers_;
    std::vector<std::optional<core::FrameIndex>> holds_;
    std::vector<bool> bgra_; // per buffer: the copied image was BGRA8
};

} // namespace cuvk::engine
