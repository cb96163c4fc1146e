#pragma once
// cuvk-gallery's job: run samples headless on one backend, write <sample>.png, a labelled contact sheet
// gallery.png and report.json, and with `check` compare each against its CPU reference.
// Every input is validated before anything is computed or written (usage errors name what is wrong).

#include "cuvk/core/log.hpp"
#include "cuvk/engine/backend.hpp"
#include "cuvk/engine/headless_runner.hpp"
#include "cuvk/engine/image_diff.hpp"
#include "cuvk/engine/registry.hpp"

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
    SyncMode sync = SyncMode::timeline;
    std::uint32_t batch = 1;
    std::vector<std::string> sets; // "name=value", applied to every selected sample that declares name
    std::string out_dir = "out";
    bool check = false;             // also run the CPU reference and compare
    std::string device;             // Vulkan device selector
    std::optional<int> cuda_device; // force the display GPU's CUDA ordinal (refused unless it matches)
    std::optional<int> sim_device;  // split backend: the simulating CUDA ordinal
    bool validation = false;        // Khronos validation layer (required when on)
    std::uint32_t png_every = 0;    // also write <sample>-<frame>.png every K frames (0: never)
    std::uint32_t seed = 1;
    core::LogFn log = core::log_to_stderr;
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

// Creates `dir` when missing and checks a file can be created in it; throws a usage error otherwise.
void prepare_output_dir(const std::string& dir);

} // namespace cuvk::engine
