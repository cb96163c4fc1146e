#include "stroke_queue.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace cuvk::compute {
namespace {

// A display coordinate, kept where the conversion to cells and the box arithmetic below stay exact and defined.
float clamp_position(float v) {
    return std::fmin(std::fmax(v, -1.0f), 2.0f); // fmax(NaN, -1) is -1
}

} // namespace

StrokeQueue::StrokeQueue(core::Extent2D extent, float radius_fraction)
    : extent_(extent), radius_(std::max(1.5f, radius_fraction * float(std::min(extent.width, extent.height)))) {}

void StrokeQueue::push(const PointerEvent& event) {
    if ((event.buttons & (kLeftButton | kRightButton)) == 0)
        return;
    const float w = float(extent_.width), h = float(extent_.height);
    Stroke s{.x0 = clamp_position(event.x - event.dx) * w,
             .y0 = clamp_position(event.y - event.dy) * h,
             .x1 = clamp_position(event.x) * w,
             .y1 = clamp_position(event.y) * h,
             .radius = radius_,
             .buttons = event.buttons};
    if (strokes_.size() == kCapacity) {
        Stroke& newest = strokes_.back();
        s.x0 = newest.x0;
        s.y0 = newest.y0;
        if (clip(s))
            newest = s;
        else
            strokes_.pop_back(); // the stretched stroke reaches no cell: nothing left of it to draw
        return;
    }
    if (clip(s))
        strokes_.push_back(s);
}

std::vector<Stroke> StrokeQueue::take() {
    return std::exchange(strokes_, {}); // no allocation on the frames without strokes
}

bool StrokeQueue::clip(Stroke& s) const {
    // A superset of the cells whose centre lies within the radius of the segment; covers() decides per cell.
    // Positions are within [-w, 2w] and [-h, 2h] cells, so the integers below cannot overflow.
    const auto first = [&](float lo, std::uint32_t size) {
        return std::uint32_t(std::clamp(std::floor(double(lo) - double(s.radius)), 0.0, double(size)));
    };
    const auto past = [&](float hi, std::uint32_t size) {
        return std::uint32_t(std::clamp(std::floor(double(hi) + double(s.radius)) + 1.0, 0.0, double(size)));
    };
    s.left = first(std::min(s.x0, s.x1), extent_.width);
    s.right = past(std::max(s.x0, s.x1), extent_.width);
    s.top = first(std::min(s.y0, s.y1), extent_.height);
    s.bottom = past(std::max(s.y0, s.y1), extent_.height);
    return s.left < s.right && s.top < s.bottom;
}

} // namespace cuvk::compute
