#pragma once
// Per-frame timings and their summary (mean, median and 99th percentile).

#include <vector>

namespace cuvk::engine {

struct StageStats {
    double mean_ms = 0.0;
    double p50_ms = 0.0; // nearest-rank percentiles
    double p99_ms = 0.0;
    std::size_t samples = 0;
};

StageStats summarize(std::vector<double> values);

} // namespace cuvk::engine
