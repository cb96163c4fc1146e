#pragma once
// Gray-Scott reaction-diffusion, the math shared by the kernels (gray_scott.cu) and the CPU reference
// (gray_scott_cpu.cpp). One cell per output pixel, periodic boundaries, explicit Euler with dt = 1 and the
// 5-point Laplacian:
//     u' = u + du * lap(u) - u v^2 + feed (1 - u)
//     v' = v + dv * lap(v) + u v^2 - (feed + kill) v
// Only + - * / on floats and integer math: with --fmad=false on the device and -ffp-contract=off on the host every
// operation is one IEEE single-precision rounding in the same order on both sides, so the CPU reference reproduces
// the kernels bit for bit.

#include "brush.cuh"
#include "cuvk/compute/hd.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/core/types.hpp"
#include "pattern.cuh"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace cuvk::compute::gray_scott {

// The state of one cell: concentrations of the two chemicals.
struct alignas(8) Cell {
    float u = 1.0f;
    float v = 0.0f;
};

struct Params {
    float feed = 0.037f;
    float kill = 0.06f;
    float du = 0.2097f;
    float dv = 0.105f;
};

// Index of each parameter in SimulationInfo::params: the order of the ParamSpec table in gray_scott_cpu.cpp.
enum Param : std::size_t { kFeed, kKill, kDu, kDv, kSubsteps, kParamCount };

inline Params params_from(std::span<const float> values) {
    CUVK_ASSERT(values.size() == kParamCount, "gray-scott takes one value per ParamSpec");
    return {.feed = values[kFeed], .kill = values[kKill], .du = values[kDu], .dv = values[kDv]};
}
inline std::uint32_t substeps_from(std::span<const float> values) {
    const long n = std::lround(values[kSubsteps]);
    return std::uint32_t(n < 1 ? 1 : n);
}

// Seeds are discs of (u, v) = (0.5, 0.25) on a coarse grid of tiles: each tile holds one with probability 1/4 (and
// the tile at the centre always does), at a position and radius hashed from (tile, seed). A cell tests only its own
// tile and the eight around it, so the initial state costs the same at any size. Integer math only.
inline constexpr std::uint32_t kTile = 32;

CUVK_HD Cell initial_cell(std::uint32_t x, std::uint32_t y, core::Extent2D extent, std::uint32_t seed) {
    const std::uint32_t tiles_x = (extent.width + kTile - 1) / kTile;
    const std::uint32_t tiles_y = (extent.height + kTile - 1) / kTile;
    const std::uint32_t tx = x / kTile, ty = y / kTile;
    Cell cell;
    for (std::uint32_t nty = ty > 0 ? ty - 1 : 0; nty <= ty + 1 && nty < tiles_y; ++nty) {
        for (std::uint32_t ntx = tx > 0 ? tx - 1 : 0; ntx <= tx + 1 && ntx < tiles_x; ++ntx) {
            const std::uint32_t h = pattern::word(std::uint64_t(nty) * tiles_x + ntx, seed);
            const bool centre = ntx == tiles_x / 2 && nty == tiles_y / 2;
            if ((h & 3u) != 0u && !centre)
                continue;
            const std::int64_t cx = std::int64_t(ntx * kTile + ((h >> 8) & 31u));
            const std::int64_t cy = std::int64_t(nty * kTile + ((h >> 16) & 31u));
            const std::int64_t r = 4 + std::int64_t((h >> 24) % 7u); // 4..10 cells
            const std::int64_t dx = std::int64_t(x) - cx, dy = std::int64_t(y) - cy;
            if (dx * dx + dy * dy <= r * r)
                cell = {0.5f, 0.25f};
        }
    }
    if (cell.v > 0.0f) {
        // A little noise inside the seeds breaks their symmetry; 24 bits of hash scaled by a power of two: exact.
        const std::uint32_t n = pattern::word(std::uint64_t(y) * extent.width + x, seed ^ 0x5bd1e995u);
        cell.v = cell.v + float(n >> 8) * (0.02f / 16777216.0f);
    }
    return cell;
}

// One explicit Euler step of cell (x, y) of `src` (extent.width cells per row, wrapping at the edges).
CUVK_HD Cell react_diffuse(const Cell* src, core::Extent2D extent, std::uint32_t x, std::uint32_t y, const Params& p) {
    const std::uint32_t w = extent.width, h = extent.height;
    const std::uint32_t xl = x == 0 ? w - 1 : x - 1, xr = x + 1 == w ? 0 : x + 1;
    const std::uint32_t yd = y == 0 ? h - 1 : y - 1, yu = y + 1 == h ? 0 : y + 1;
    const Cell c = src[std::size_t(y) * w + x];
    const Cell l = src[std::size_t(y) * w + xl];
    const Cell r = src[std::size_t(y) * w + xr];
    const Cell d = src[std::size_t(yd) * w + x];
    const Cell u = src[std::size_t(yu) * w + x];
    const float lap_u = ((l.u + r.u) + (d.u + u.u)) - 4.0f * c.u;
    const float lap_v = ((l.v + r.v) + (d.v + u.v)) - 4.0f * c.v;
    const float uvv = c.u * c.v * c.v;
    return {c.u + ((p.du * lap_u - uvv) + p.feed * (1.0f - c.u)),
            c.v + ((p.dv * lap_v + uvv) - (p.feed + p.kill) * c.v)};
}

// What a pointer stroke leaves in cell (x, y): where the swept disc covers the cell's centre, the left button paints
// a seed, (u, v) = (0.5, 0.25) as initial_cell() does, and the right button (without the left) erases, (1, 0);
// everywhere else the cell stays as it was.
CUVK_HD Cell brushed(Cell cell, const Stroke& stroke, std::uint32_t x, std::uint32_t y) {
    if (!covers(stroke, x, y))
        return cell;
    if (stroke.buttons & kLeftButton)
        return {0.5f, 0.25f};
    if (stroke.buttons & kRightButton)
        return {1.0f, 0.0f};
    return cell;
}

// The colour map: v (0 .. ~0.45 in the patterns) through five stops, deep blue -> teal -> sea green -> sand ->
// warm white. Packed RGBA8 with R in the low byte, alpha 255.
CUVK_HD std::uint32_t rgba8(Cell cell) {
    constexpr float kStops[5][3] = {{0.02f, 0.03f, 0.10f},
                                    {0.05f, 0.28f, 0.45f},
                                    {0.28f, 0.66f, 0.62f},
                                    {0.93f, 0.82f, 0.52f},
                                    {1.00f, 0.97f, 0.90f}};
    float t = cell.v * 2.5f;
    t = t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t);
    const float s = t * 4.0f;
    const int i = s >= 3.0f ? 3 : int(s);
    const float f = s - float(i);
    std::uint32_t packed = 0xff000000u;
    for (int c = 0; c < 3; ++c) {
        const float value = kStops[i][c] + (kStops[i + 1][c] - kStops[i][c]) * f; // in [0, 1]: no clamp needed
        packed |= std::uint32_t(value * 255.0f + 0.5f) << (8 * c);
    }
    return packed;
}

} // namespace cuvk::compute::gray_scott
