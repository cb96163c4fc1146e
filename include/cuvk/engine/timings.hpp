#pragma once
// Per-frame timings and their summary (mean, median and 99th percentile).

#include <cstdint>
#include <vector>

namespace cuvk::engine {

struct StageStats {
    double mean_ms = 0.0;
    double p50_ms = 0.0; // nearest-rank percentiles
    double p99_ms = 0.0;
    std::size_t samples = 0;
};

StageStats summarize(std::vector<double> values);

// The frames a measured run of `frames` frames (N frames in flight, batches of B from frame 0) leaves to warm up
// (pools, caches, the driver's first submissions): up to the first batch that starts at or after a quarter of the
// frames or 2N, whichever is less. Measuring from a batch's first frame lines the measured batches up with the frames
// timed_frame times. run_headless, the floor and the gl baseline measure from here (0 < batch).
std::uint64_t warmup_frames(std::uint64_t frames, std::uint32_t frames_in_flight, std::uint32_t batch);

} // namespace cuvk::engine
