#pragma once
// cuvk::engine::FrameLoop — steps one or more FrameRings and draws their frames into a Target.
//
// Each ring is drawn into its own pane of the target (one to three rings: side by side; four: a 2x2 grid; the
// panes cover the target), images through the compute compositor, points and meshes through raster passes under an
// orbit camera that depends only on the frame index (so every ring size and batch gives the same frames).
//
// advance(B) produces frames k..k+B-1 of every ring first (CUDA runs ahead, waiting on the GPU for the slots it
// reuses), then records them and submits them in one submission per ring, so the GPU switches between the CUDA
// and Vulkan contexts once per batch. The host waits only where it must: before re-recording a slot's command
// buffer (for the frame N earlier) and, in the cpu and staging backends, before writing a slot's host memory.
// Timings (CUDA events, Vulkan timestamps) and captures are read as frames retire, without stalling.
//
// Owns: the drawing of each pane (compositor or raster pass, per-slot timestamps). Needs: the Context, the Target
// and the rings, all of which must outlive it; every ring has the same number of frames in flight.
// Throws: core::Error (usage errors for bad batch sizes; GPU work that does not finish within 20 s).

#include "cuvk/engine/frame_ring.hpp"
#include "cuvk/engine/target.hpp"

#include <memory>
#include <span>
#include <vector>

namespace cuvk::engine {

struct FrameLoopInfo {
    std::uint32_t batch = 1; // most frames per submission (1..N); several rings need 1
    std::string name = "loop";
};

// Per-frame timings of one ring's retired frames.
struct RingTimings {
    std::vector<double> simulation_ms; // CUDA events around step() (cpu backend: host time of step())
    std::vector<double> draw_ms;       // Vulkan timestamps around the frame's commands
};

class FrameLoop {
public:
    FrameLoop(const render::Context& ctx, Target& target, std::span<FrameRing* const> rings,
              const FrameLoopInfo& info = {});
    ~FrameLoop();
    FrameLoop(const FrameLoop&) = delete;
    FrameLoop& operator=(const FrameLoop&) = delete;

    // The next frame advance() produces: it starts at the rings' next_frame() (a ring may outlive a loop).
    core::FrameIndex next_frame() const noexcept { return next_; }
    // Produces, draws and submits the next `count` frames (1..batch) of every ring.
    void advance(std::uint32_t count = 1);
    // Waits for every submitted frame, retires them (timings, captures) and lets CUDA finish.
    void finish();

    // Timings of the frames retired so far, per ring; clear() them to start a new measurement.
    std::vector<RingTimings>& timings() noexcept { return timings_; }
    // Where ring i is drawn in the target.
    VkRect2D pane(std::size_t i) const;

private:
    struct Pane;
    void retire_through(core::FrameIndex k);
    void record(FrameRing& ring, Pane& pane, core::FrameIndex k, std::uint32_t image, VkCommandBuffer cmd);

    const render::Context& ctx_;
    Target& target_;
    FrameLoopInfo info_;
    std::vector<FrameRing*> rings_;
    std::vector<std::unique_ptr<Pane>> panes_;
    std::vector<TargetState> states_; // per target image
    std::vector<RingTimings> timings_;
    core::FrameIndex next_;           // next frame to produce
    core::FrameIndex next_to_retire_; // frames before it have been retired
};

} // namespace cuvk::engine
