// Pointer brushes on the CPU implementations (the CUDA ones run the same per-cell functions; the GPU test compares
// them): a left-drag across the middle of gray-scott and of fluid changes the pixels under the brush and none far
// from it; painting while paused shows in the paused frame; and StrokeQueue turns events into strokes in cells,
// in order, within its capacity.

#include "gray_scott.cuh"
#include "host_run.hpp"
#include "stroke_queue.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <gtest/gtest.h>

using namespace cuvk;
using compute::PointerEvent;

namespace {

// A drag with the left button from (x0, y) to (x1, y) in display coordinates: a press, then `moves` events.
std::vector<PointerEvent> drag(float x0, float x1, float y, int moves, std::uint32_t buttons = compute::kLeftButton) {
    std::vector<PointerEvent> events{{.x = x0, .y = y, .buttons = buttons}};
    const float dx = (x1 - x0) / float(moves);
    for (int i = 1; i <= moves; ++i)
        events.push_back({.x = x0 + dx * float(i), .y = y, .dx = dx, .buttons = buttons});
    return events;
}

// Distance in cells from the centre of cell (x, y) to the segment from (ax, ay) to (bx, by) (cells).
double distance(std::uint32_t x, std::uint32_t y, double ax, double ay, double bx, double by) {
    const double px = x + 0.5 - ax, py = y + 0.5 - ay, ex = bx - ax, ey = by - ay;
    const double t = std::clamp((px * ex + py * ey) / (ex * ex + ey * ey), 0.0, 1.0);
    return std::hypot(px - ex * t, py - ey * t);
}

// Texel (x, y) of level 0 of an image output, as bytes.
std::vector<std::byte> texel(const std::vector<std::byte>& image, const compute::OutputSpec& spec, std::uint32_t x,
                             std::uint32_t y) {
    const std::size_t size = compute::bytes_per_texel(spec.format);
    const auto* at = image.data() + (std::size_t(y) * spec.extent.width + x) * size;
    return {at, at + size};
}

// How a frame with a stroke compares with the same frame without it.
struct Change {
    std::size_t under = 0, under_changed = 0; // texels within `inside` cells of the segment
    std::size_t far = 0, far_changed = 0;     // texels beyond `outside` cells of it
};
Change compare(const std::vector<std::byte>& with, const std::vector<std::byte>& without,
               const compute::OutputSpec& spec, double ax, double ay, double bx, double by, double inside,
               double outside) {
    Change c;
    for (std::uint32_t y = 0; y < spec.extent.height; ++y)
        for (std::uint32_t x = 0; x < spec.extent.width; ++x) {
            const double d = distance(x, y, ax, ay, bx, by);
            const bool changed = texel(with, spec, x, y) != texel(without, spec, x, y);
            if (d <= inside) {
                ++c.under;
                c.under_changed += changed;
            } else if (d > outside) {
                ++c.far;
                c.far_changed += changed;
            }
        }
    return c;
}

struct DragCase {
    std::string sample;
    core::Extent2D extent;
    std::map<std::string, float> overrides;
};

// Runs `warmup` frames, then the drag across the middle (0.3 .. 0.7 of the width at half the height) before one more
// frame of `steps` steps, beside the same run without the drag; compares that frame.
Change drag_across_the_middle(const DragCase& c, int warmup, std::uint32_t steps) {
    test::HostRun with(c.sample, c.extent, c.overrides), without(c.sample, c.extent, c.overrides);
    for (int k = 0; k < warmup; ++k) {
        (void)with.frame(1);
        (void)without.frame(1);
    }
    for (const PointerEvent& e : drag(0.3f, 0.7f, 0.5f, 16))
        with.pointer(e);
    const auto a = with.frame(steps), b = without.frame(steps);
    const double w = c.extent.width, h = c.extent.height, side = std::min(w, h);
    const double radius = compute::StrokeQueue(c.extent).radius();
    return compare(a, b, with.spec(), 0.3 * w, 0.5 * h, 0.7 * w, 0.5 * h, radius - 1.0, 0.2 * side);
}

} // namespace

TEST(GrayScottBrush, ALeftDragChangesThePixelsUnderTheBrushAndNoneFarFromIt) {
    const Change c = drag_across_the_middle({"gray-scott", {160, 120}, {}}, 3, 1);
    ASSERT_GT(c.under, 100u);
    ASSERT_GT(c.far, 10000u);
    EXPECT_GE(c.under_changed, c.under * 9 / 10) << "of " << c.under << " texels under the brush";
    EXPECT_EQ(c.far_changed, 0u) << "of " << c.far << " texels more than 20% of the side away";
}

// With steps == 0 nothing diffuses: the texels under the brush hold exactly the painted state (a seed, then the
// erased background), the rest what the paused frame showed before the stroke.
TEST(GrayScottBrush, PaintingAndErasingWhilePausedShowAtOnce) {
    const core::Extent2D extent{160, 120};
    const double radius = compute::StrokeQueue(extent).radius();
    test::HostRun run("gray-scott", extent);
    for (int k = 0; k < 3; ++k)
        (void)run.frame(1);
    const auto before = run.frame(0);
    std::vector<std::byte> previous = before;
    for (const std::uint32_t buttons : {compute::kLeftButton, compute::kRightButton}) {
        for (const PointerEvent& e : drag(0.3f, 0.7f, 0.5f, 16, buttons))
            run.pointer(e);
        const auto now = run.frame(0);
        const std::uint32_t expected =
            compute::gray_scott::rgba8(buttons == compute::kLeftButton ? compute::gray_scott::Cell{0.5f, 0.25f}
                                                                       : compute::gray_scott::Cell{1.0f, 0.0f});
        std::size_t under = 0, under_painted = 0, under_was_other = 0, outside = 0, outside_same = 0;
        for (std::uint32_t y = 0; y < extent.height; ++y)
            for (std::uint32_t x = 0; x < extent.width; ++x) {
                const double d =
                    distance(x, y, 0.3 * extent.width, 0.5 * extent.height, 0.7 * extent.width, 0.5 * extent.height);
                std::uint32_t rgba = 0, was = 0;
                std::memcpy(&rgba, texel(now, run.spec(), x, y).data(), 4);
                std::memcpy(&was, texel(previous, run.spec(), x, y).data(), 4);
                if (d <= radius - 0.5) {
                    ++under;
                    under_painted += rgba == expected;
                    under_was_other += was != expected;
                } else if (d > radius + 0.5) {
                    ++outside;
                    outside_same += texel(now, run.spec(), x, y) == texel(before, run.spec(), x, y);
                }
            }
        ASSERT_GT(under, 100u);
        EXPECT_EQ(under_was_other, under) << "buttons " << buttons << ": the stroke must change what it covers";
        EXPECT_EQ(under_painted, under) << "buttons " << buttons;
        EXPECT_EQ(outside_same, outside) << "buttons " << buttons;
        previous = now;
    }
}

// One step of the fluid carries the stroke's effect by advection (dt * |v| cells, twice) and by the pressure solve
// (one cell per Jacobi iteration, seen only where there is dye): at 160x120 after 3 frames the farthest changed texel
// is 14.5 cells from the segment, well within the 24 cells (20% of 120) beyond which nothing may change.
TEST(FluidBrush, ALeftDragLeavesDyeUnderTheBrushAndChangesNothingFarFromIt) {
    const Change c = drag_across_the_middle({"fluid", {160, 120}, {}}, 3, 1);
    ASSERT_GT(c.under, 100u);
    ASSERT_GT(c.far, 5000u);
    EXPECT_GE(c.under_changed, c.under * 9 / 10) << "of " << c.under << " texels under the brush";
    EXPECT_EQ(c.far_changed, 0u) << "of " << c.far << " texels more than 20% of the side away";
}

TEST(FluidBrush, PaintingWhilePausedShowsAtOnce) {
    const Change c = drag_across_the_middle({"fluid", {160, 120}, {}}, 3, 0);
    ASSERT_GT(c.under, 100u);
    EXPECT_EQ(c.under_changed, c.under) << "white dye under the whole stroke";
    EXPECT_EQ(c.far_changed, 0u);
}

TEST(StrokeQueue, EventsWithAButtonBecomeStrokesInCellsInArrivalOrder) {
    compute::StrokeQueue queue({200, 100});
    EXPECT_FLOAT_EQ(queue.radius(), 2.5f);                                     // 2.5% of the shorter side
    queue.push({.x = 0.5f, .y = 0.5f, .dx = 0.1f, .buttons = 0});              // hovering: no stroke
    queue.push({.x = 0.5f, .y = 0.5f, .dx = 0.1f, .dy = -0.2f, .buttons = 1}); // left drag
    queue.push({.x = 0.25f, .y = 0.75f, .buttons = 2});                        // right click
    queue.push({.x = -0.5f, .y = 0.5f, .dx = 0.1f, .buttons = 1});             // off the grid: dropped
    queue.push({.x = std::nanf(""), .y = 0.5f, .buttons = 4});                 // middle only: no stroke
    const auto strokes = queue.take();
    ASSERT_EQ(strokes.size(), 2u);
    EXPECT_EQ(queue.size(), 0u);
    EXPECT_FLOAT_EQ(strokes[0].x0, 80.0f);
    EXPECT_FLOAT_EQ(strokes[0].y0, 70.0f);
    EXPECT_FLOAT_EQ(strokes[0].x1, 100.0f);
    EXPECT_FLOAT_EQ(strokes[0].y1, 50.0f);
    EXPECT_EQ(strokes[0].buttons, 1u);
    EXPECT_LE(strokes[0].left, 77u);
    EXPECT_GE(strokes[0].right, 103u);
    EXPECT_EQ(strokes[1].buttons, 2u);
    EXPECT_FLOAT_EQ(strokes[1].x0, 50.0f);
    EXPECT_FLOAT_EQ(strokes[1].x1, 50.0f);
    // Every cell the stroke covers lies in its box.
    for (std::uint32_t y = 0; y < 100; ++y)
        for (std::uint32_t x = 0; x < 200; ++x)
            if (compute::covers(strokes[0], x, y)) {
                EXPECT_TRUE(x >= strokes[0].left && x < strokes[0].right && y >= strokes[0].top &&
                            y < strokes[0].bottom)
                    << x << ", " << y;
            }
}

TEST(StrokeQueue, BeyondItsCapacityTheNewestStrokeStretchesToThePointer) {
    compute::StrokeQueue queue({100, 100});
    const auto events = drag(0.1f, 0.9f, 0.5f, 99);
    for (const PointerEvent& e : events)
        queue.push(e);
    const auto strokes = queue.take();
    ASSERT_EQ(strokes.size(), compute::StrokeQueue::kCapacity);
    EXPECT_FLOAT_EQ(strokes.front().x0, 10.0f);
    // The 64th event's stroke starts where the pointer was before it and now ends where the last event is.
    const PointerEvent& last = events.back();
    EXPECT_FLOAT_EQ(strokes.back().x0, (events[63].x - events[63].dx) * 100.0f);
    EXPECT_FLOAT_EQ(strokes.back().x1, last.x * 100.0f);
    EXPECT_GE(strokes.back().right, 92u);
}
