#pragma once
// cuvk::engine::run_viewer — the live viewer: one to four simulations, each in its own pane with its own ring, CUDA
// stream and timelines, drawn into a window (or, headless, an offscreen image) with a Dear ImGui control panel.
//
// The loop: events → panel (ImGui) → the changes it asked for → acquire → FrameLoop::advance(1) → present. Panes
// whose settings change (sample, backend, seed, reset) get a new ring that joins the others where they are; a change
// of frames in flight or sync mode rebuilds every ring. The host waits only on fences Vulkan signalled.
// Presets: JSON files with every pane's sample, backend, seed, steps and parameters, plus frames in flight and sync
// (load_preset / save_preset, also from the panel).
// Throws core::Error: usage errors (bad options or presets: nothing is written), "no display" (a window was asked
// for; run headless), Vulkan/CUDA failures naming the call (VK_ERROR_DEVICE_LOST included; no wait is unbounded).

#include "cuvk/core/log.hpp"
#include "cuvk/core/types.hpp"
#include "cuvk/engine/backend.hpp"
#include "cuvk/engine/registry.hpp"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace cuvk::engine {

struct ViewerPane {
    std::string sample = "gray-scott";    // a Registry name
    Backend backend = Backend::automatic; // automatic: interop where a CUDA device matches, else cpu
    std::vector<std::string> sets;        // "name=value", applied over the defaults (or over `params`)
    std::vector<float> params;            // every parameter (a preset); empty: the defaults
    std::uint32_t seed = 1;
    std::uint32_t steps = 1; // simulation steps per frame; 0: paused
};

struct ViewerPreset {
    std::vector<ViewerPane> panes;
    std::uint32_t frames_in_flight = 3;
    SyncMode sync = SyncMode::timeline;
};

struct ViewerInfo {
    ViewerPreset preset;                    // the panes (1..4), frames in flight, sync
    core::Extent2D window{1600, 900};       // window (or headless image) size in pixels
    std::optional<core::Extent2D> sim_size; // simulation size of every pane; default: its pane's size at start
    bool headless = false;                  // draw into an offscreen image (no display needed), panel included
    std::uint64_t frames = 0;               // stop after this many frames; 0: until the window closes
    std::string screenshot;                 // PNG of the last frame, panel included
    std::string record;                     // a video of every frame (ffmpeg), else a PNG sequence beside it
    std::string status;                     // a JSON file describing the state, rewritten a few times a second
    std::string device;                     // Vulkan device selector (see render::select_physical_device)
    std::optional<int> cuda_device;
    std::string present_mode = "fifo"; // fifo | mailbox | immediate (fifo where the surface lacks it)
    bool copy_path = false;  // composite into an image of its own and blit it into the swapchain (headless: into the
                             // offscreen image), even where a compute shader could write the target: measures the copy
    bool validation = false; // the Khronos validation layer (required when asked for)
    bool hide_panel = false;
    bool fullscreen = false;
    const std::atomic<bool>* stop = nullptr; // set (a signal handler) to end the loop after the current frame
    core::LogFn log = core::log_to_stderr;
};

struct ViewerResult {
    std::uint64_t frames = 0;
    double seconds = 0.0;
    double steady_fps = 0.0; // frames per second after the first 10% of the frames (start-up excluded)
    std::string device;
    std::size_t validation_messages = 0;
    std::vector<std::string> written;  // screenshots, recordings, presets
    std::uint64_t cuda_recoveries = 0; // CUDA context faults recovered from (engine::recover_from_cuda_fault)
};

ViewerResult run_viewer(const Registry& registry, const ViewerInfo& info);

// Reads a preset; usage errors name the file and what is wrong (not JSON, unknown sample or parameter, value out of
// range). Never writes.
ViewerPreset load_preset(const Registry& registry, const std::string& path);
// Writes a preset atomically (core::AtomicFile).
void save_preset(const Registry& registry, const ViewerPreset& preset, const std::string& path);

// The keys and mouse controls, one per line (for --help and the README).
std::string viewer_controls();

} // namespace cuvk::engine
