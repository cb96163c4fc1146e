#pragma once
// cuvk::engine::StressSchedule — the randomised schedule cuvk-stress runs, made from a seed alone: the same seed gives
// the same schedule on every machine and standard library (its own generator, splitmix64, and its own bounded draws;
// no <random> distributions, whose results the standard leaves to each library). describe() prints the seed and
// every phase, one line each: what a failure report shows so that the run can be repeated with --seed.

#include "cuvk/core/stress_pattern.hpp"
#include "cuvk/core/types.hpp"
#include "cuvk/engine/backend.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cuvk::engine {

enum class StressProducer {
    stream,  // one CUDA stream: wait, kernels, signal
    graph,   // one CUDA graph with external-semaphore wait/signal nodes, values patched per launch
    streams, // several CUDA streams joined by events
};
enum class StressConsumer {
    graphics,   // the Vulkan graphics queue
    compute,    // a compute-only queue
    two_queues, // both, the frame split between them
};
enum class HostPacing {
    fence,      // Vulkan fences the host signalled
    cuda_event, // CUDA events after the producer's work
    polling,    // the timeline counter read without waiting
};
const char* to_string(StressProducer p);
const char* to_string(StressConsumer c);
const char* to_string(HostPacing p);
using core::to_string; // core::StressFormat's

// One stretch of the run under one configuration.
struct StressPhase {
    SyncMode sync = SyncMode::timeline;
    std::uint32_t frames_in_flight = 3; // 1..8
    StressProducer producer = StressProducer::stream;
    StressConsumer consumer = StressConsumer::graphics;
    HostPacing pacing = HostPacing::fence;
    bool wait_before_signal = false; // timeline only: Vulkan's wait is submitted before CUDA's signal
    std::uint32_t fan_out = 1;       // waits per signal (1..3)
    std::uint32_t fan_in = 1;        // signals one wait joins (1..3)
    bool image = true;               // an image of `format`, else a buffer of words
    core::StressFormat format = core::StressFormat::rgba8;
    core::Extent2D extent{256, 256}; // texels (image) or words per row x rows (buffer)
    std::uint32_t frames = 64;
    std::vector<std::uint16_t> producer_delay_us; // per frame: a delay kernel before the write (mostly 0)
    std::vector<std::uint16_t> consumer_delay_us; // per frame: a delay dispatch before the check (mostly 0)
};

struct StressLimits {
    std::uint32_t phases = 8;
    std::uint32_t max_frames = 256; // per phase
    std::uint32_t max_side = 2048;  // texels or words per side
    std::uint32_t max_delay_us = 2000;
    bool binary = true; // binary semaphores may be drawn
    // Image formats other than RGBA8 are drawn too (BGRA8, RGBA16F, RGBA32F, R32F); false: RGBA8 images only (the
    // formats are drawn either way, so a seed's other choices stay the same).
    bool all_formats = true;
    bool timeline = true; // timeline semaphores may be drawn
};

struct StressSchedule {
    std::uint64_t seed = 0;
    std::vector<StressPhase> phases;
    std::uint64_t frames() const;
    // "seed S" then one line per phase: every field, and how many frames have delays.
    std::string describe() const;
};

// The schedule of `seed` within `limits` (at least one of binary / timeline must be allowed; usage error otherwise).
StressSchedule make_schedule(std::uint64_t seed, const StressLimits& limits = {});

} // namespace cuvk::engine
