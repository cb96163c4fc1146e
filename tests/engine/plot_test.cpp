// The bench's line plots (CPU only): each series is drawn in its own colour where its values put it — a larger value
// higher up on the log axis — gaps stay gaps, and malformed input is refused.

#include "cuvk/core/error.hpp"
#include "plot.hpp"

#include <cmath>
#include <gtest/gtest.h>

using namespace cuvk;

namespace {

// Rows of the pixels of colour (r, g, b) in columns [x0, x1), averaged; NaN when there are none.
double mean_row(const render::Pixels& p, std::uint32_t x0, std::uint32_t x1, std::uint8_t r, std::uint8_t g,
                std::uint8_t b) {
    double sum = 0;
    std::size_t n = 0;
    for (std::uint32_t y = 0; y < p.extent.height; ++y)
        for (std::uint32_t x = x0; x < x1; ++x) {
            const auto* q = &p.bytes[(std::size_t(y) * p.extent.width + x) * 4];
            if (q[0] == r && q[1] == g && q[2] == b) {
                sum += y;
                ++n;
            }
        }
    return n ? sum / double(n) : std::nan("");
}

} // namespace

TEST(Plot, ValuesAreDrawnWhereTheyBelong) {
    const engine::PlotInfo info{.title = "t", .y_label = "fps", .x_ticks = {"a", "b", "c"}};
    // Series 0 rises (palette colour 0, 114, 178), series 1 has a gap in the middle (213, 94, 0).
    const auto p = engine::plot_lines(info, {{"rising", {10, 100, 1000}}, {"gap", {50, std::nan(""), 50}}});
    ASSERT_EQ(p.extent, (core::Extent2D{960, 540}));
    // The plot area spans x 110..700; categories at its ends and middle. Columns around each category:
    const double first = mean_row(p, 120, 140, 0, 114, 178), last = mean_row(p, 670, 690, 0, 114, 178);
    ASSERT_FALSE(std::isnan(first));
    ASSERT_FALSE(std::isnan(last));
    EXPECT_GT(first, last + 100) << "1000 is drawn well above 10 (image rows grow downwards)";
    EXPECT_TRUE(std::isnan(mean_row(p, 395, 415, 213, 94, 0))) << "no line or marker across the gap";
    EXPECT_FALSE(std::isnan(mean_row(p, 120, 140, 213, 94, 0))) << "the gap series' own markers are drawn";
}

TEST(Plot, MalformedInputIsRefused) {
    EXPECT_THROW((void)engine::plot_lines({.x_ticks = {}}, {}), core::Error);
    EXPECT_THROW((void)engine::plot_lines({.x_ticks = {"a", "b"}}, {{"s", {1.0}}}), core::Error);
    EXPECT_THROW((void)engine::plot_lines({.x_ticks = {"a"}, .extent = {100, 100}}, {}), core::Error);
    EXPECT_NO_THROW((void)engine::plot_lines({.x_ticks = {"a"}}, {{"nothing", {std::nan("")}}}));
}
