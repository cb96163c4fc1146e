#pragma once
// The headless runner: one sample on one backend through the frame ring, drawn into an offscreen target.
//
// Frame k uses ring slot k mod N. The backend produces it (interop: CUDA waits `consumed` >= k+1-N on the GPU,
// simulates into the slot, signals `produced` = k+1); Vulkan draws it after waiting `produced`, then signals
// `consumed` and the fence of the submission, on which the host paces itself (never on a value CUDA signals:
// DESIGN.md). In batch mode B frames are produced before one submission draws them all, so the GPU
// switches between the CUDA and Vulkan contexts once per batch instead of once per frame.

#include "compute/sample.hpp"
#include "engine/backend.hpp"
#include "engine/timings.hpp"
#include "render/context.hpp"
#include "render/readback.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cuvk::engine {

struct RunInfo {
    const compute::SampleSpec* sample = nullptr;
    std::vector<float> params;               // resolved (engine::resolve_params)
    Backend backend = Backend::cpu;          // interop, staging or cpu (not automatic)
    core::Extent2D extent{1280, 720};        // target size
    std::uint32_t frames = 30;               // >= 1
    std::uint32_t frames_in_flight = 3;      // ring slots N, 1..8
    SyncMode sync = SyncMode::timeline;      // interop and split only
    std::optional<int> cuda_device;          // force the display GPU's CUDA ordinal (refused unless it matches)
    std::optional<int> sim_device;           // split: the simulating CUDA ordinal (default: another GPU)
    std::uint32_t batch = 1;                 // frames per submission B, 1..N
    std::uint32_t seed = 1;
    std::uint32_t capture_every = 0;         // read back every K-th frame (0: only the last)
    // Called for each captured frame, in frame order, on the calling thread.
    std::function<void(std::uint64_t frame, const render::Pixels&)> on_capture;
};

struct RunResult {
    Backend backend = Backend::cpu;
    std::string backend_note;   // how the backend ran here (e.g. staging registration)
    render::Pixels last_frame;  // the final frame, read back
    double fps = 0.0;           // steady state: frames after the warm-up over their wall time
    StageStats simulation;      // CUDA events around the step (cpu: host time of the CPU reference)
    StageStats draw;            // Vulkan timestamps around the draw
    StageStats host_frame;      // host time per frame
};

// Validates `info` (throws usage errors naming the problem) and runs it.
RunResult run_headless(const render::Context& ctx, const RunInfo& info);

// The sample's output for this run, after checking it fits the device (usage error otherwise).
compute::OutputSpec checked_output(const render::Context& ctx, const RunInfo& info);

} // namespace cuvk::engine
