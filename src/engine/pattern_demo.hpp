#pragma once
// The foundation demo: the test pattern written by the chosen backend into a source image, composited into an
// offscreen target by the compute compositor, read back, checked against the CPU reference byte for byte, and
// written as a PNG. It exercises every layer: context, export/import, semaphores, shaders, readback.

#include "core/log.hpp"
#include "core/types.hpp"
#include "engine/backend.hpp"

#include <string>
#include <vector>

namespace cuvk::engine {

struct PatternDemoInfo {
    Backend backend = Backend::automatic;
    core::Extent2D extent{1280, 720};     // target size
    std::uint32_t frame = 0;              // which frame of the pattern
    std::string out_dir = "out";          // must exist or be creatable, and be writable
    std::string device;                   // Vulkan device selector (render::select_physical_device)
    bool validation = false;              // Khronos validation layer (required when on)
    core::LogFn log = core::log_to_stderr;
};

struct PatternDemoResult {
    Backend backend = Backend::cpu;       // the backend that ran
    std::string backend_reason;           // why auto chose it (empty when chosen explicitly)
    std::string device;                   // Vulkan device name
    std::string png_path;
    std::uint64_t mismatched_pixels = 0;  // against the CPU reference; 0 means every byte matched
    std::size_t validation_messages = 0;
};

PatternDemoResult run_pattern_demo(const PatternDemoInfo& info);

// Creates `dir` when missing and checks that a file can be created in it; throws a usage error otherwise.
// Call before any work, so that a bad --out fails fast and leaves nothing behind.
void prepare_output_dir(const std::string& dir);

} // namespace cuvk::engine
