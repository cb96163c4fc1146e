#pragma once
// A line chart drawn on the CPU into RGBA8 pixels (the bench's plots; written with render::write_png): categories
// along x, one line per series with a marker at each value, y linear or logarithmic with labelled ticks, and a legend.

#include "cuvk/render/readback.hpp"

#include <string>
#include <vector>

namespace cuvk::engine {

struct PlotSeries {
    std::string label;
    std::vector<double> values; // one per x category; NaN (or <= 0 on a log axis) leaves a gap
};

struct PlotInfo {
    std::string title;
    std::string y_label;
    std::vector<std::string> x_ticks; // the categories
    bool log_y = true;
    core::Extent2D extent{960, 540};
};

// Throws core::Error for no categories, a series whose value count differs from the categories', or an extent
// outside 480x200..4096x4096.
render::Pixels plot_lines(const PlotInfo& info, const std::vector<PlotSeries>& series);

} // namespace cuvk::engine
