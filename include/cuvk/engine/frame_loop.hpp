#pragma once
// cuvk::engine::FrameLoop — steps one or more FrameRings and draws their frames into a Target.
//
// Each ring is drawn into its own pane of the target (one to three rings: side by side; four: a 2x2 grid; the
// panes cover the target), images through the compute compositor, points and meshes through raster passes under an
// orbit camera that depends only on the frame index (points by raster or compute splat: FrameLoopInfo::points) (so
// every ring size and batch gives the same frames).
//
// advance(B) produces frames k..k+B-1 of every ring first (CUDA runs ahead, waiting on the GPU for the slots it
// reuses), then records them and submits them in one submission per ring, so the GPU switches between the CUDA
// and Vulkan contexts once per batch. The host waits only where it must: before re-recording a slot's command
// buffer (for the frame N earlier) and, in the cpu and staging backends, before writing a slot's host memory.
// A staging ring (FrameRing::produces_ahead) is also produced up to L = N - B frames beyond the batch, so that CUDA
// simulates and copies the next frames while the host waits for this batch's copies to land in host memory.
// Timings (CUDA events, Vulkan timestamps; only for the frames the ring times, RingInfo::timed_every; the queries
// reset from the host where the device allows) and captures are read as frames retire, without stalling.
//
// Owns: the drawing of each pane (compositor or raster pass, per-slot timestamps). Needs: the Context, the Target
// and the rings, all of which must outlive it; every ring has the same number of frames in flight.
// Throws: core::Error (usage errors for bad batch sizes; GPU work that does not finish within 20 s).

#include "cuvk/engine/frame_ring.hpp"
#include "cuvk/engine/target.hpp"
#include "cuvk/render/compositor.hpp"

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace cuvk::engine {

// How point outputs (particles) are drawn: by the rasteriser (render::PointsPass, additive blending) or by compute
// (render::SplatPass: atomic sums per pixel, then a resolve), which spares a GPU with few graphics units. Both give
// the same pixels (bit for bit on lavapipe; where several points meet, blending may round by a level elsewhere).
enum class PointsPath { raster, splat };
const char* to_string(PointsPath path);
// True when an output of `kind` is drawn by a raster pass (points by raster, meshes): its target then needs colour
// attachment usage (Target::raster); images and splatted points are drawn by compute.
bool drawn_by_raster(compute::OutputKind kind, PointsPath points);

struct FrameLoopInfo {
    std::uint32_t batch = 1; // most frames per submission (1..N); several rings need 1
    // Loop frames that will be drawn in all (frames 0..frames-1); nothing is produced ahead beyond them. 0: no end.
    std::uint64_t frames = 0;
    // splat by default: 1M points at 4K on the H200, 4250 fps against 336 by raster (docs/performance.md).
    PointsPath points = PointsPath::splat;
    std::string name = "loop";
};

// How a person looks at one pane (the viewer's pan/zoom and orbit camera, the colour map of one-channel outputs).
// Without one (the default) a pane shows the whole image and raster outputs under a camera that turns with the
// frame index, so that every ring size and batch gives the same frames.
struct PaneView {
    float zoom = 1.0f;                       // images: 1 shows the whole output, 2 half of it across
    std::array<float, 2> center{0.5f, 0.5f}; // images: the output coordinate ([0,1]^2, y down) at the pane's centre
    bool orbit = false;                      // points, mesh: use the camera below instead of the turning one
    float yaw = 0.8f, pitch = 0.6f;          // radians
    float distance = 3.0f;                   // from the origin, scene units
    render::ColorMode scalar = render::ColorMode::map_auto; // R32F outputs: grey, map_fixed or map_auto
    std::array<float, 2> range{0.0f, 1.0f};                 // map_fixed: the values at the map's two ends
};

// Per-frame timings of one ring's retired frames, of those the ring times (RingInfo::timed_every).
struct RingTimings {
    std::vector<double> simulation_ms; // CUDA events around step() (cpu backend: host time of step())
    std::vector<double> draw_ms;       // Vulkan timestamps around the frame's commands
    // From the host starting the frame (before its CUDA work is enqueued) to the GPU finishing its draw, both on the
    // host's monotonic clock (render::Timestamps::end_host_ns); empty where the device lacks calibrated timestamps.
    std::vector<double> latency_ms;
};

class FrameLoop {
public:
    FrameLoop(const render::Context& ctx, Target& target, std::span<FrameRing* const> rings,
              const FrameLoopInfo& info = {});
    ~FrameLoop();
    FrameLoop(const FrameLoop&) = delete;
    FrameLoop& operator=(const FrameLoop&) = delete;

    // The next frame advance() draws. A loop starts at the largest of its rings' next_to_submit() (a ring may outlive
    // a loop, and a new ring may join ones that ran before): loop frame k is frame k - base(i) of ring i. Frames a
    // ring produced ahead under an earlier loop are drawn by this one.
    core::FrameIndex next_frame() const noexcept { return next_; }
    // How many frames beyond the batch the rings that gain from it are produced ahead (0, or N - B when a ring is
    // a staging ring; the other rings of the loop are not produced ahead).
    std::uint32_t lookahead() const noexcept { return lookahead_; }
    // Produces (what is not produced yet), draws and submits the next `count` frames (1..batch) of every ring.
    void advance(std::uint32_t count = 1);
    // advance(1) in two halves, for code that writes the frame's outputs itself (the C ABI, through a simulation whose
    // step() only hands the outputs over), in a loop of one ring: begin_frame() produces the next frame up to the
    // simulation's step (FrameRing::begin_produce), so the outputs may then be written on the ring's stream (or host
    // memory); end_frame() hands them to Vulkan and draws and submits the frame. Nothing is produced ahead; a ring
    // holding frames produced ahead is refused. Throws core::Error for a loop of several rings, a begin without an
    // end or the reverse.
    void begin_frame();
    void end_frame();
    bool in_frame() const noexcept { return in_frame_; }
    // Waits for every submitted frame, retires them (timings, captures) and lets CUDA finish.
    void finish();

    // Timings of the timed frames retired so far, per ring (a caller that reads them as they come clears them).
    std::vector<RingTimings>& timings() noexcept { return timings_; }
    // Starts a new measurement: clears the timings and leaves out every frame before next_frame(), also those
    // submitted already that retire later (a measurement after a warm-up).
    void restart_timings();
    std::uint64_t base(std::size_t i) const { return base_.at(i); }
    // Where ring i is drawn in the target.
    VkRect2D pane(std::size_t i) const;
    // Where pane i of `count` lies in a target of `extent`: one to three side by side, four in a 2x2 grid.
    static VkRect2D pane_rect(core::Extent2D extent, std::size_t count, std::size_t i);
    // How pane i is looked at from the next recorded frame on; std::nullopt: the fixed view (see PaneView).
    void set_view(std::size_t i, std::optional<PaneView> view);

private:
    struct Pane;
    void retire_through(core::FrameIndex k);
    core::FrameIndex local(std::size_t r, core::FrameIndex k) const { return {k.value - base_[r]}; }
    void record(FrameRing& ring, Pane& pane, core::FrameIndex k, std::uint32_t image, VkCommandBuffer cmd);
    void submit(core::FrameIndex first, core::FrameIndex last);
    // Produces every ring (ahead_only: only those that produce ahead) through loop frame `last`.
    void produce_through(core::FrameIndex last, bool ahead_only);

    const render::Context& ctx_;
    Target& target_;
    FrameLoopInfo info_;
    std::vector<FrameRing*> rings_;
    std::vector<std::unique_ptr<Pane>> panes_;
    std::vector<TargetState> states_; // per target image
    std::vector<RingTimings> timings_;
    std::vector<std::uint64_t> base_;      // per ring: loop frame - ring frame
    std::vector<std::int64_t> started_ns_; // when the host began loop frame j, at j mod its size (2N)
    std::uint32_t lookahead_ = 0;
    bool in_frame_ = false;           // between begin_frame() and end_frame()
    core::FrameIndex next_;           // next frame to draw and submit
    core::FrameIndex next_to_retire_; // frames before it have been retired
    core::FrameIndex timed_from_;     // frames before it add nothing to timings_ (restart_timings)
};

} // namespace cuvk::engine
