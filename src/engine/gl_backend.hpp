#pragma once
// The bench's gl backend (internal to the engine): what an application sharing with OpenGL instead of Vulkan gets,
// so that interop's figures have that baseline beside them. A headless GL context (gl_context.hpp) on the CUDA
// device; per ring slot a GL texture per output, registered once with cudaGraphicsGLRegisterImage; each batch of B
// frames (one per slot) maps the batch's textures on the simulation's stream in one call, steps the simulation into
// them through surfaces, unmaps them in one call, and GL brings each frame's displayed output into an RGBA8 target by
// its fastest path (blit, glCopyImageSubData or a compute shader, each measured at the start of the run). N slots in
// flight, the host pacing itself on GL fences.
// CUDA builds only (gl_backend_none.cpp says why not elsewhere). Throws core::Error: usage errors for a simulation
// whose outputs are not images, failures naming the EGL, GL or CUDA call.

#include "cuvk/compute/simulation.hpp"
#include "cuvk/engine/headless_runner.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cuvk::engine {

struct GlRunInfo {
    std::vector<float> params; // one per ParamSpec; empty: the defaults
    core::Extent2D extent{1280, 720};
    std::uint64_t frames = 300; // the first quarter (at most 2N) a warm-up, as run_headless
    std::uint32_t frames_in_flight = 1;
    std::uint32_t batch = 1; // frames mapped, stepped and unmapped together (one map and one unmap call), 1..N
    std::optional<std::uint32_t> timed_every; // as RunInfo::timed_every (default: one frame per batch)
    std::optional<int> cuda_device;
    std::uint32_t seed = 1;
};

// Why the gl backend cannot run here (no CUDA device, no headless GL 4.5 context on it); empty when it can.
std::string gl_unavailable(std::optional<int> cuda_device);

// RunResult as run_headless fills it: fps, simulation (CUDA events), draw (GL timestamps around the copy), host time
// per frame, latency (host starting the frame to the GPU finishing its copy, through GL's timestamp calibrated against
// the host clock); backend_note names the copy path taken and what each path measured.
RunResult run_gl(std::unique_ptr<compute::Simulation> simulation, const GlRunInfo& info);

} // namespace cuvk::engine
