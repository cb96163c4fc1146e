#include "cuvk/engine/timings.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace cuvk::engine {

std::uint64_t warmup_frames(std::uint64_t frames, std::uint32_t frames_in_flight, std::uint32_t batch) {
    const std::uint64_t quarter_or_2n = std::min<std::uint64_t>(frames / 4, 2ull * frames_in_flight);
    return (quarter_or_2n + batch - 1) / batch * batch;
}

StageStats summarize(std::vector<double> values) {
    StageStats s;
    s.samples = values.size();
    if (values.empty())
        return s;
    s.mean_ms = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
    std::sort(values.begin(), values.end());
    // Nearest-rank percentile: the smallest value with at least p of the samples at or below it.
    const auto percentile = [&](double p) {
        const auto rank = std::size_t(std::ceil(p * double(values.size())));
        return values[std::min(values.size(), std::max<std::size_t>(rank, 1)) - 1];
    };
    s.p50_ms = percentile(0.50);
    s.p99_ms = percentile(0.99);
    return s;
}

} // namespace cuvk::engine
