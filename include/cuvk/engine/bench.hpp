#pragma once
// cuvk::engine::run_bench — what cuvk-bench measures: the same samples at several sizes through several backends,
// each in latency mode (one frame in flight, one frame per submission) and throughput mode (a deep ring, frames
// batched per submission), every configuration repeated, every figure kept as min / median / max over the
// repetitions, each backend's frame rate shown as a ratio to interop's. Frames are produced and drawn by the engine's
// own loop (run_headless) into an offscreen target, so the figures are those of the library as users get it.
// write_bench_outputs() writes bench.json (the machine, the GPU, the driver, the CUDA and Vulkan versions and every
// figure), bench.md (a table for the README) and PNG plots per sample: fps against size per backend and mode, and the
// latency distribution (latency at each percentile) per backend and mode at the largest size measured; ring.png (ms
// per frame against frames in flight) and resources.png (the micro-benchmarks' round trip against images shared per
// frame, interop against CUDA-GL) when they ran.
// Needs: a Vulkan device (and a matching CUDA device for interop and staging; a configuration that cannot run here is
// kept in the report with the reason, and one that fails while running with its error, so that one failure does not
// lose the other figures). Throws core::Error: usage errors for bad options, failures outside the runs.

#include "cuvk/core/types.hpp"
#include "cuvk/engine/backend.hpp"
#include "cuvk/engine/frame_loop.hpp"
#include "cuvk/engine/micro_bench.hpp"
#include "cuvk/engine/timings.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cuvk::engine {

struct BenchMode {
    std::string name;                   // "latency", "throughput"
    std::uint32_t frames_in_flight = 1; // ring slots N
    std::uint32_t batch = 1;            // frames per submission B (<= N)
};

struct BenchOptions {
    std::vector<std::string> samples = {"fill", "gray-scott", "fluid"};
    std::vector<core::Extent2D> sizes = {{1280, 720}, {1920, 1080}, {3840, 2160}, {7680, 4320}};
    // gl: CUDA-OpenGL interop over a headless EGL context, drawn by OpenGL (not through the engine's ring)
    std::vector<Backend> backends = {Backend::interop, Backend::staging, Backend::gl};
    std::vector<BenchMode> modes = {{"latency", 1, 1}, {"throughput", 8, 8}};
    // How a sample whose output is points is drawn: each path is a configuration of its own (raster or compute splat).
    std::vector<PointsPath> points = {PointsPath::raster, PointsPath::splat};
    render::HostWait host_wait = render::HostWait::block; // how the engine's host waits for its fences
    // staging and cpu: their Vulkan uploads on the device's transfer-only queue (the copy engines) where it has one;
    // false: inside each frame's submission on the universal queue, as before.
    bool transfer_queue = true;
    std::uint32_t frames = 300;    // per run, the first quarter (at most 2N) a warm-up
    std::uint32_t repetitions = 3; // runs per configuration
    // The ring's cost against frames in flight: the fill sample at ring_size with N = 1..8, batches of 1 and of N.
    bool ring = true;
    core::Extent2D ring_size{1920, 1080};
    // The micro-benchmarks (micro_bench.hpp) after the samples; without a matching CUDA device the report says why.
    bool micro = true;
    MicroOptions micro_options;
    std::string device;                                    // Vulkan device selector
    bool validation = false;                               // the Khronos validation layer (a message fails the run)
    std::function<void(const std::string& line)> progress; // one line per run, for a progress display
    const std::atomic<bool>* stop = nullptr;               // read between runs: stop early, keep what ran
};

// The quick set for CI and lavapipe: the cpu backend, 320x180 and 640x360, 32 frames, 2 repetitions; micro-benchmarks
// of 20 iterations over 16 MiB.
BenchOptions quick_bench_options();

// The percentiles of BenchCase::latency_quantiles_ms (and of the latency plot's x axis).
inline constexpr double kLatencyPercentiles[] = {0, 10, 25, 50, 75, 90, 95, 99, 99.9, 100};

// min / median / max of one figure over the repetitions.
struct Figure {
    double min = 0, median = 0, max = 0;
    static Figure of(std::vector<double> values);
};

struct BenchCase {
    std::string sample;
    std::optional<PointsPath> points; // how the sample's points were drawn; none for other outputs
    std::string label() const { return points ? sample + " (" + to_string(*points) + ")" : sample; }
    core::Extent2D size;
    Backend backend = Backend::cpu;
    BenchMode mode;
    std::string not_run; // why this configuration could not run here, or how it failed; empty when it ran
    std::string note;    // how the backend ran (RunResult::backend_note: staging's registration, gl's copy paths)
    bool failed = false; // it was run and failed (not_run says how); the bench goes on with the others
    Figure fps, frame_ms;
    Figure simulation_ms, simulation_p99_ms;    // CUDA events around the step (cpu: host time)
    Figure draw_ms, draw_p99_ms;                // Vulkan timestamps around the frame's commands
    Figure host_ms, host_p99_ms;                // host time per frame
    Figure latency_p50_ms, latency_p99_ms;      // host starting a frame → GPU done drawing it (0 without calibration)
    std::optional<double> fps_ratio_to_interop; // median fps over interop's for the same sample, size and mode
    // interop in the sample modes: the floor (run_floor) for the same work, run after each repetition, and cuvk's
    // median fps as a share of the floor's; floor_not_run says why it could not run.
    Figure floor_fps;
    std::optional<double> share_of_floor;
    std::string floor_not_run;
    // staging: the bytes each frame carries across PCIe per crossing (every output), and the rate those crossings
    // allow by the micro-benchmarks of the same run — one frame at a time (N=1): D2H then H2D, each at its pinned
    // rate; deeper rings: both directions at once — and this case's median fps as a share of it.
    std::uint64_t frame_bytes = 0;
    std::optional<double> pcie_bound_fps, share_of_pcie;
    // The same bound by the copies staging itself makes — a CUDA D2H and a Vulkan upload on the queue it uploads on
    // (the micro-benchmarks' "Vulkan upload: host memory -> buffer" and "pinned D2H + Vulkan upload at once" for that
    // queue): where the driver runs a Vulkan upload beside a CUDA D2H slower than CUDA's own pair, this is the rate
    // staging's crossings can reach, and pcie_bound_fps a stricter one.
    std::optional<double> copies_bound_fps, share_of_copies;
    // Latency at kLatencyPercentiles over every timed frame of every repetition (empty without calibration).
    std::vector<double> latency_quantiles_ms;
    // Frames timed after the warm-up, over every repetition (one per batch: RingInfo::timed_every): the samples of the
    // stage times and latencies. Below 100 per run a run's p99 is its largest sample.
    std::size_t timed_frames = 0;
};

struct BenchReport {
    std::string host, cpu, gpu, vulkan_driver, vulkan_api, cuda_driver, cuda_runtime;
    std::uint32_t frames = 0, repetitions = 0;
    std::string host_wait;    // "block" or "spin"
    std::string upload_queue; // where staging and cpu upload: "transfer" (the copy engines) or "universal"
    std::vector<BenchCase> cases;
    std::vector<BenchCase> ring; // the sweep of frames in flight (BenchOptions::ring)
    std::optional<MicroReport> micro;
    bool stopped = false;
    std::size_t failures() const; // configurations that failed while running

    std::string json() const;
    std::string markdown() const; // one table per mode: rows sample x size, columns backends (fps, ratio); the
                                  // ring sweep; the micro-benchmarks
};

BenchReport run_bench(const BenchOptions& options);

// A usage error when `dir` could not be made or written: checked before a long run, without creating anything.
void check_bench_output(const std::string& dir);

// Writes bench.json, bench.md and the plots into `dir` (made if missing); each file appears whole or not at
// all. Throws core::Error naming the file that could not be written.
void write_bench_outputs(const BenchReport& report, const std::string& dir);

} // namespace cuvk::engine
