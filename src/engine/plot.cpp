#include "plot.hpp"

#include "canvas.hpp"
#include "cuvk/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace cuvk::engine {
namespace {

constexpr Rgb kBackground{255, 255, 255}, kInk{30, 30, 30}, kGrid{225, 225, 225};
// Distinguishable colours (the Okabe-Ito palette), then repeated.
constexpr Rgb kPalette[] = {{0, 114, 178}, {213, 94, 0},   {0, 158, 115}, {204, 121, 167},
                            {230, 159, 0}, {86, 180, 233}, {0, 0, 0},     {240, 228, 66}};

std::string tick_text(double v) {
    std::ostringstream out;
    if (v >= 1e4 || (v > 0 && v < 1e-2))
        out.precision(2);
    else
        out.precision(4);
    out << v;
    return out.str();
}

} // namespace

render::Pixels plot_lines(const PlotInfo& info, const std::vector<PlotSeries>& series) {
    if (info.x_ticks.empty())
        core::fail("plot_lines: a plot needs at least one category", info.title);
    if (info.extent.width < 480 || info.extent.height < 200 || info.extent.width > 4096 || info.extent.height > 4096)
        core::fail("plot_lines: the size " + core::to_string(info.extent) + " is outside 480x200..4096x4096",
                   info.title);
    const bool usable_log = info.log_y;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& s : series) {
        if (s.values.size() != info.x_ticks.size())
            core::fail("plot_lines: the series has " + std::to_string(s.values.size()) + " values for " +
                           std::to_string(info.x_ticks.size()) + " categories",
                       s.label);
        for (double v : s.values)
            if (std::isfinite(v) && (!usable_log || v > 0)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
    }
    if (!std::isfinite(lo)) { // nothing to draw: an empty frame with its axes
        lo = usable_log ? 1 : 0;
        hi = usable_log ? 10 : 1;
    }
    // The y range: whole decades on a log axis, a padded range from zero on a linear one.
    double y0, y1;
    if (usable_log) {
        y0 = std::floor(std::log10(lo));
        y1 = std::max(std::ceil(std::log10(hi)), y0 + 1);
    } else {
        y0 = std::min(0.0, lo);
        y1 = std::max(hi, 0.0) + 0.1 * (std::max(hi, 0.0) - y0) + (hi > y0 ? 0.0 : 1.0);
    }
    const auto W = int(info.extent.width), H = int(info.extent.height);
    const int left = 110, right = W - 260, top = 48, bottom = H - 52; // the plot area; the legend right of it
    auto y_of = [&](double v) {
        const double t = usable_log ? (std::log10(v) - y0) / (y1 - y0) : (v - y0) / (y1 - y0);
        return bottom - t * (bottom - top);
    };
    const std::size_t n = info.x_ticks.size();
    auto x_of = [&](std::size_t i) {
        return n == 1 ? (left + right) / 2.0 : left + 20 + (right - left - 40) * double(i) / double(n - 1);
    };

    render::Pixels image = make_canvas(info.extent, kBackground);
    draw_text(image, info.title, {std::uint32_t(left), 10, std::uint32_t(W - left), 24}, 2, kInk);
    draw_text(image, info.y_label, {6, 10, std::uint32_t(left - 8), 18}, 2, kInk);
    // Grid and y ticks.
    std::vector<double> ticks;
    if (usable_log) {
        for (double d = y0; d <= y1 + 1e-9; ++d)
            for (double m : {1.0, 2.0, 5.0}) {
                const double v = m * std::pow(10.0, d);
                if (std::log10(v) <= y1 + 1e-9)
                    ticks.push_back(v);
            }
    } else {
        for (int i = 0; i <= 5; ++i)
            ticks.push_back(y0 + (y1 - y0) * i / 5);
    }
    for (double v : ticks) {
        const double y = y_of(v);
        draw_line(image, left, y, right, y, kGrid);
        const std::string t = tick_text(v);
        draw_text(image, t,
                  {std::uint32_t(std::max(2, left - 14 - int(text_width(t, 2)))), std::uint32_t(y - 7), 108, 20}, 2,
                  kInk);
    }
    for (std::size_t i = 0; i < n; ++i) {
        const double x = x_of(i);
        draw_line(image, x, top, x, bottom, kGrid);
        const auto w = int(text_width(info.x_ticks[i], 2));
        draw_text(image, info.x_ticks[i],
                  {std::uint32_t(std::max(0, int(x) - w / 2)), std::uint32_t(bottom + 10), std::uint32_t(w + 24), 20},
                  2, kInk);
    }
    draw_line(image, left, top, left, bottom, kInk);
    draw_line(image, left, bottom, right, bottom, kInk);
    // Lines, markers and the legend.
    for (std::size_t s = 0; s < series.size(); ++s) {
        const Rgb colour = kPalette[s % std::size(kPalette)];
        const auto& values = series[s].values;
        auto drawable = [&](double v) { return std::isfinite(v) && (!usable_log || v > 0); };
        for (std::size_t i = 0; i < n; ++i) {
            if (!drawable(values[i]))
                continue;
            if (i + 1 < n && drawable(values[i + 1]))
                draw_line(image, x_of(i), y_of(values[i]), x_of(i + 1), y_of(values[i + 1]), colour, 2);
            fill_rect(image, {std::uint32_t(x_of(i) - 3), std::uint32_t(y_of(values[i]) - 3), 7, 7}, colour);
        }
        const auto ly = std::uint32_t(top + 6 + 24 * s);
        fill_rect(image, {std::uint32_t(right + 16), ly + 2, 16, 10}, colour);
        draw_text(image, series[s].label, {std::uint32_t(right + 40), ly, std::uint32_t(W - right - 44), 20}, 2, kInk);
    }
    return image;
}

} // namespace cuvk::engine
