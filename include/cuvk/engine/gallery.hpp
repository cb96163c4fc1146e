#pragma once
// cuvk-gallery's job: run samples headless on one backend, write <sample>.png, a labelled contact sheet
// gallery.png and report.json, and with `check` compare each against its CPU reference.
//
// Every input is validated before anything is computed or written (usage errors name what is wrong, with what the
// user typed quoted by core::quote), and the output directory is created only once the run is about to start.
// Every file is written through core::AtomicFile: it is complete under its name or absent. A failure after some
// files were written throws core::Error whose note names the complete ones; a failure before any was written
// removes the directories the run created.

#include "cuvk/core/log.hpp"
#include "cuvk/engine/backend.hpp"
#include "cuvk/engine/headless_runner.hpp"
#include "cuvk/engine/image_diff.hpp"
#include "cuvk/engine/registry.hpp"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace cuvk::engine {

struct GalleryInfo {
    Backend backend = Backend::automatic;
    std::vector<std::string> samples; // names; empty = all
    std::uint32_t frames = 30;
    core::Extent2D extent{1280, 720};
    std::uint32_t frames_in_flight = 3;
    std::optional<SyncMode> sync; // interop and split only (a usage error with the others); unset: timeline
    std::uint32_t batch = 1;
    PointsPath points = PointsPath::splat; // how particles are drawn (FrameLoopInfo)
    std::vector<std::string> sets;         // "name=value", applied to every selected sample that declares name
    std::string out_dir = "out";
    bool check = false; // also run the CPU reference and compare
    std::string device; // Vulkan device selector
    // Options that only a CUDA backend uses (cuda_device, sync) make `automatic` insist on interop: when interop is
    // unavailable the run fails saying why, instead of falling back to cpu and ignoring them.
    std::optional<int> cuda_device; // force the display GPU's CUDA ordinal (refused unless it matches)
    std::optional<int> sim_device;  // split backend only: the simulating CUDA ordinal
    bool validation = false;        // Khronos validation layer (required when on)
    std::uint32_t png_every = 0;    // also write <sample>-<frame>.png every K frames (0: never)
    std::uint32_t seed = 1;
    core::LogFn log = core::log_to_stderr;
    // Read (never written) between samples and before each file is written; once it reads true, run_gallery stops
    // there and throws an interrupted core::Error (Error::is_interrupted), leaving only complete files. Apps point
    // it at a flag that their SIGINT/SIGTERM handlers set. Must outlive the call; may be null.
    const std::atomic<bool>* stop = nullptr;
};

struct SampleReport {
    std::string name;
    std::vector<float> params;
    RunResult run;
    std::optional<ImageDiff> check; // set when GalleryInfo::check
    std::string png;
};

struct GalleryResult {
    Backend backend = Backend::cpu;
    std::string backend_reason; // why auto chose it
    std::string device;
    std::vector<SampleReport> samples;
    std::vector<std::string> failed_checks; // names of samples beyond tolerance
    std::size_t validation_messages = 0;
    std::string sheet_path, report_path;
};

// Runs the simulations of `registry` that `info` selects.
GalleryResult run_gallery(const Registry& registry, const GalleryInfo& info);

// Creates `dir` when missing and checks a file can be created in it; throws a usage error otherwise. Returns the
// directories it created, outermost first (empty when `dir` existed).
std::vector<std::string> prepare_output_dir(const std::string& dir);

} // namespace cuvk::engine
