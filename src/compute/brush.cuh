#pragma once
// A pointer brush stroke and its geometry, shared by the kernels and the CPU references of the samples that take
// pointer input (gray-scott, fluid). A stroke is made on the host from a PointerEvent (stroke_queue.hpp) and passed
// to the kernels by value; what it does to a cell is each sample's own per-cell function in its .cuh.
//
// Agreement: only + - * / and compares on floats. Built with --fmad=false on the device and -ffp-contract=off on the
// host, each operation is one IEEE single-precision rounding in the same order on both sides, so a kernel and its
// CPU reference decide alike which cells a stroke covers and by how much.

#include "cuvk/compute/hd.hpp"
#include "cuvk/core/types.hpp"

#include <cstdint>

namespace cuvk::compute {

inline constexpr std::uint32_t kLeftButton = 1u;  // PointerEvent::buttons bit 0
inline constexpr std::uint32_t kRightButton = 2u; // PointerEvent::buttons bit 1

// A disc of `radius` cells swept along the segment from (x0, y0) to (x1, y1), in grid coordinates: cell (x, y)
// covers [x, x + 1) x [y, y + 1), its centre at (x + 0.5, y + 0.5), y down like the display.
struct Stroke {
    float x0 = 0.0f, y0 = 0.0f; // where the pointer was
    float x1 = 0.0f, y1 = 0.0f; // where it is
    float radius = 1.0f;
    std::uint32_t buttons = 0; // PointerEvent::buttons while it moved
    // The cells whose centre the disc can reach, clipped to the grid: [left, right) x [top, bottom), never empty.
    // Kernels launch over this box; cells outside it are never touched.
    std::uint32_t left = 0, top = 0, right = 0, bottom = 0;

    core::Extent2D box() const { return {right - left, bottom - top}; }
};

// Squared distance from the centre of cell (x, y) to the stroke's segment (to its start when it has no length).
CUVK_HD float distance2(const Stroke& s, std::uint32_t x, std::uint32_t y) {
    const float px = (float(x) + 0.5f) - s.x0, py = (float(y) + 0.5f) - s.y0;
    const float ex = s.x1 - s.x0, ey = s.y1 - s.y0;
    const float length2 = ex * ex + ey * ey;
    float t = length2 > 0.0f ? (px * ex + py * ey) / length2 : 0.0f;
    t = t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t);
    const float qx = px - ex * t, qy = py - ey * t;
    return qx * qx + qy * qy;
}

// Whether the centre of cell (x, y) lies in the swept disc.
CUVK_HD bool covers(const Stroke& s, std::uint32_t x, std::uint32_t y) {
    return distance2(s, x, y) <= s.radius * s.radius;
}

// A smooth weight: (1 - d^2 / r^2)^2 inside the swept disc (1 on the segment), 0 outside.
CUVK_HD float falloff(const Stroke& s, std::uint32_t x, std::uint32_t y) {
    const float q = 1.0f - distance2(s, x, y) / (s.radius * s.radius);
    return q > 0.0f ? q * q : 0.0f;
}

} // namespace cuvk::compute
