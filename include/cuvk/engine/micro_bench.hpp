#pragma once
// cuvk::engine::run_micro_benchmarks — what the hardware charges, one effect at a time, so that the frame loop's
// figures can be read against them (cuvk-bench runs them beside the samples; docs/performance.md explains them):
//  - bandwidth: a kernel writing imported Vulkan memory against cudaMalloc memory (linear buffers), and surface
//    writes into an imported Vulkan image against a cudaArray;
//  - pcie: pinned D2H and H2D copies alone, and both directions at once (what bounds the staging backend), and
//    Vulkan's uploads out of host-visible memory into a 4K image and into a buffer, on the universal queue and on
//    a transfer-only queue where the device has one (staging's second crossing; these run without CUDA too);
//  - switch: the smallest CUDA work and the smallest Vulkan work, each waited for on the host, alone and alternating
//    (the difference is what the GPU charges for switching between the two contexts; no semaphores);
//  - handoff: a round trip Vulkan -> CUDA -> Vulkan through exported timeline semaphores;
//  - graph: the same external wait + kernel + external signal as stream calls and as one CUDA graph launch whose
//    semaphore values are patched per launch (host time per frame);
//  - wait: each way the host can wait for the GPU (Vulkan fence, spinning on a timeline counter, spinning then
//    blocking, cudaEventSynchronize spinning and with blocking sync, and vkWaitSemaphores on a value CUDA signals);
//  - resources: a round trip sharing 1, 4, 16 and 64 images per frame, through interop (semaphores, one acquire and
//    one release barrier per image) and through CUDA-OpenGL (one map and unmap of every texture per frame).
//  - oneway: the handoff's latency in each direction on one clock (Vulkan's calibrated timestamps, CUDA's global
//    timer set against the host's clock), CUDA -> Vulkan and Vulkan -> CUDA.
// Every result keeps the time per iteration (p50, p99, mean over the iterations) and the calling thread's CPU time
// per iteration; derived figures relate them (imported / cudaMalloc bandwidth, the cost of one context switch, ...).
// Needs: a Context whose device has a matching CUDA device (results that cannot run here keep the reason).
// Throws core::Error for Vulkan or CUDA failures while measuring.

#include "cuvk/compute/simulation.hpp"
#include "cuvk/render/context.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cuvk::engine {

struct MicroResult {
    std::string group; // bandwidth, pcie, switch, handoff, graph, wait, resources, oneway
    std::string name;
    std::uint32_t iterations = 0;
    double p50_us = 0, p99_us = 0, mean_us = 0; // time per iteration
    double cpu_us = 0;                          // the calling thread's CPU time per iteration
    double bytes = 0;                           // moved per iteration (bandwidth, pcie), else 0
    std::string not_run;                        // why it could not run here; empty when it ran
    double gb_per_s() const { return bytes > 0 && p50_us > 0 ? bytes / (p50_us * 1e3) : 0.0; } // at the median
};

// A figure computed from the results (a ratio, a difference), with how.
struct MicroFigure {
    std::string name;
    double value = 0;
    std::string unit; // "%", "us", "x"
    std::string how;
};

struct MicroReport {
    std::vector<MicroResult> results;
    std::vector<MicroFigure> derived;
    std::string not_run; // why the CUDA ones could not run here (no CUDA device matching the Vulkan device, ...)
    // The result called `name` that ran (a median above 0), or null; valid until `results` changes.
    const MicroResult* find(const std::string& name) const;
};

// How the pcie micro-benchmarks name the queue of a Vulkan upload, after the result's name: "" for the universal
// queue (no transfer index), " (transfer queue)" and " (transfer queue 2)" for the transfer-only queues in order.
std::string upload_queue_suffix(std::optional<std::size_t> transfer_index);

struct MicroOptions {
    std::uint32_t iterations = 200;  // per result (bandwidth and the ~10 ms waits take fewer)
    std::size_t bytes = 256u << 20;  // per bandwidth iteration (a multiple of 64 KiB)
    std::vector<std::string> groups; // the groups to run (kMicroGroups' names); empty: all of them
};

inline constexpr const char* kMicroGroups[] = {"bandwidth", "pcie", "switch",    "handoff",
                                               "graph",     "wait", "resources", "oneway"};

MicroReport run_micro_benchmarks(const render::Context& ctx, const MicroOptions& options = {});

// The resources group: its resource counts, and the name of the result for `path` ("interop" or "CUDA-GL") and count.
inline constexpr std::uint32_t kResourceCounts[] = {1, 4, 16, 64};
std::string resources_result_name(const std::string& path, std::uint32_t count);
// A usage error for options run_micro_benchmarks refuses (no iterations, bytes not a multiple of 64 KiB, a group
// that does not exist).
void check_micro_options(const MicroOptions& options);

// The floor: the interop frame loop's GPU work with nothing of the engine around it, so that cuvk's frame rate can be
// shown as a share of what the hardware allows. A minimal ring of N imported images and two exported timelines:
// frame k's CUDA side waits for the consumed value that frees slot k mod N (once per value: a batch signals only its
// last frame's), steps the simulation into the slot, and the batch's last frame signals produced = k+1;
// per batch of B frames one Vulkan submission of per-slot command buffers recorded once (acquire from CUDA, the
// compositor drawing the slot over the whole target, release to CUDA) waits produced and signals consumed and a
// fence; the host waits only on the fence of a slot's previous submission. No timing queries, no captures, no
// per-frame recording. Frames per second over the frames after a warm-up (a quarter, at most 2N), as run_headless.
struct FloorInfo {
    core::Extent2D extent{1920, 1080};
    std::vector<float> params; // the simulation's, every one
    std::uint32_t frames_in_flight = 1, batch = 1;
    std::uint32_t frames = 300;
};
struct FloorResult {
    double fps = 0;
    std::string not_run; // why it could not run (no interop, a simulation that is not one image of one level)
};
// A usage error for what run_floor refuses in any build: 1..8 frames in flight, a batch of 1..N, at least 4N frames.
void check_floor_info(const FloorInfo& info);
FloorResult run_floor(const render::Context& ctx, std::unique_ptr<compute::Simulation> simulation,
                      const FloorInfo& info);

} // namespace cuvk::engine
