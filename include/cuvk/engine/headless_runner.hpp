#pragma once
// run_headless: one simulation on one backend through a FrameRing, drawn by a FrameLoop into an OffscreenTarget —
// the gallery's and the tests' way to run a simulation without a window, and the shortest complete use of the
// engine (see examples/hello-interop).
//
// Frames are produced in batches of B (CUDA runs up to N frames ahead of Vulkan); the captured frames are read
// back as they retire and handed to on_capture only after the timed loop (no encoding inside it).

#include "cuvk/compute/simulation.hpp"
#include "cuvk/engine/backend.hpp"
#include "cuvk/engine/frame_loop.hpp"
#include "cuvk/engine/frame_ring.hpp"
#include "cuvk/engine/timings.hpp"
#include "cuvk/render/context.hpp"
#include "cuvk/render/readback.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cuvk::engine {

struct RunInfo {
    std::vector<float> params;          // resolved (resolve_params); empty: the defaults
    Backend backend = Backend::cpu;     // interop, split, staging or cpu (not automatic)
    core::Extent2D extent{1280, 720};   // target size
    std::uint32_t frames = 30;          // >= 1
    std::uint32_t frames_in_flight = 3; // ring slots N, 1..8
    SyncMode sync = SyncMode::timeline; // interop and split only
    std::optional<int> cuda_device;     // force the display GPU's CUDA ordinal (refused unless it matches)
    std::optional<int> sim_device;      // split: the simulating CUDA ordinal (default: another GPU)
    std::uint32_t batch = 1;            // frames per submission B, 1..N
    // One frame timed in every `timed_every` (RingInfo::timed_every; 0: none). Default: one per batch (B), which
    // keeps the timing's GPU work (~7 µs per timed frame on the H200) out of small batched frames.
    std::optional<std::uint32_t> timed_every;
    PointsPath points = PointsPath::splat;                // how point outputs are drawn (FrameLoopInfo)
    render::HostWait host_wait = render::HostWait::block; // how the host waits for the ring's fences (RingInfo)
    std::uint32_t seed = 1;
    std::uint32_t capture_every = 0; // also read back every K-th frame (0: only the last)
    // Read back the final frame (RunResult::last_frame). A benchmark turns it off: the readback (a copy to host
    // memory, then into Pixels) falls inside the timed frames and costs a 7680x4320 run ~30 ms.
    bool capture_last = true;
    // Called for each captured frame, in frame order, on the calling thread, after the run.
    std::function<void(std::uint64_t frame, const render::Pixels&)> on_capture;
    std::size_t display_output = 0; // which output of the simulation is drawn
    // Read between batches: once true, the run lets submitted frames finish and throws an interrupted core::Error
    // (Error::is_interrupted); on_capture is not called. Apps point it at a flag their signal handler sets.
    const std::atomic<bool>* stop = nullptr;
    RingFault fault = RingFault::none; // tests of the ring only
};

struct RunResult {
    Backend backend = Backend::cpu;
    std::string backend_note;  // how the backend ran here (e.g. staging registration)
    render::Pixels last_frame; // the final frame, read back
    double fps = 0.0;          // steady state: frames after the warm-up over their wall time
    // simulation, draw and latency: of the timed frames after the warm-up (RunInfo::timed_every).
    StageStats simulation; // CUDA events around the step (cpu: host time of the CPU implementation)
    StageStats draw;       // Vulkan timestamps around the frame's commands
    StageStats host_frame; // host time per frame (a batch's time over its frames), every frame
    StageStats latency;    // host starting a frame → GPU done drawing it (RingTimings::latency_ms; may be empty)
    std::vector<double> latency_ms; // the timed frames' latencies, in frame order
};

// Largest total of captured frames a run keeps in memory until it ends (usage error beyond).
inline constexpr std::uint64_t kMaxCapturedBytes = 4ull << 30;

// Validates `info` against the simulation and the device (usage errors name the problem), without running.
std::vector<compute::OutputSpec> check_run(const render::Context& ctx, const compute::Simulation& simulation,
                                           const RunInfo& info);

// Validates and runs. Throws core::Error.
RunResult run_headless(const render::Context& ctx, std::unique_ptr<compute::Simulation> simulation,
                       const RunInfo& info);

} // namespace cuvk::engine
