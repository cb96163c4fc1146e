#pragma once
// The waves sample's math, shared by the kernels (waves.cu) and the CPU reference (waves_cpu.cpp).
//
// The 2D wave equation on an n x n height field h, leapfrog in time with the five-point Laplacian:
//     h_next = h + keep * (h - h_prev) + c^2 * laplacian(h),   keep = 1 - damping,
// stable for a Courant number c <= 1/sqrt(2). h_next at a cell needs h_prev only at that cell, so it overwrites
// h_prev in place and the two buffers swap roles every substep. Edges reflect (the cell beyond the edge mirrors
// the edge cell) or are fixed (the water beyond the edge stays at zero). Raindrops are smooth bumps added to h and
// h_prev alike, so the water starts at rest and the bump falls into rings.
//
// Agreement: only IEEE +, -, *, / and sqrt, which kernels built with --fmad=false and host code built with
// -ffp-contract=off round identically, so the CPU reference and the kernels produce the same bits. Drops are made
// on the host by one compiled function, drop_at(), which both simulations call.

#include "cuvk/compute/hd.hpp"
#include "sample_impl.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace cuvk::compute::waves {

// What the parameters set; read once from SimulationInfo by read_settings().
struct Settings {
    std::uint32_t n = 256;      // vertices per side
    std::uint32_t substeps = 2; // leapfrog steps per frame
    float c2 = 0.25f;           // Courant number squared
    float keep = 0.997f;        // 1 - damping
    std::uint32_t rain = 10;    // frames between drops
    float drop_radius = 0.06f;  // in world units (the field spans [-1, 1])
    float height = 0.06f;       // world height per unit of h
    bool fixed_edges = false;
    std::uint32_t seed = 1;
};

// One raindrop: amplitude * (1 - r^2 / radius^2)^2 inside the radius, in cells, over the cells
// [x0, x1) x [z0, z1) that it touches.
struct Drop {
    float cx, cz, inv_radius2, amplitude;
    std::uint32_t x0, x1, z0, z1;
};

CUVK_HD float drop_bump(const Drop& d, std::uint32_t x, std::uint32_t z) {
    const float dx = float(x) - d.cx;
    const float dz = float(z) - d.cz;
    const float t = 1.0f - (dx * dx + dz * dz) * d.inv_radius2;
    return t > 0.0f ? d.amplitude * t * t : 0.0f;
}

// h_next at (x, z); h and prev are n x n, row-major (row = z).
CUVK_HD float next_height(const float* h, const float* prev, std::uint32_t n, std::uint32_t x, std::uint32_t z,
                          const Settings& s) {
    const std::size_t i = std::size_t(z) * n + x;
    const float c = h[i];
    const float edge = s.fixed_edges ? 0.0f : c;
    const float left = x > 0 ? h[i - 1] : edge;
    const float right = x + 1 < n ? h[i + 1] : edge;
    const float down = z > 0 ? h[i - n] : edge;
    const float up = z + 1 < n ? h[i + n] : edge;
    const float laplacian = ((left + right) + (down + up)) - 4.0f * c;
    return c + s.keep * (c - prev[i]) + s.c2 * laplacian;
}

// The vertex at (x, z): x and z spread over [-1, 1] (spacing = 2 / (n - 1)), y = height * h, and the unit normal
// of that surface from central differences (one-sided at the edges).
CUVK_HD MeshVertex vertex(const float* h, std::uint32_t n, std::uint32_t x, std::uint32_t z, float spacing,
                          float height) {
    const std::size_t row = std::size_t(z) * n;
    const std::uint32_t xl = x > 0 ? x - 1 : x;
    const std::uint32_t xr = x + 1 < n ? x + 1 : x;
    const std::uint32_t zd = z > 0 ? z - 1 : z;
    const std::uint32_t zu = z + 1 < n ? z + 1 : z;
    const float slope_x = (h[row + xr] - h[row + xl]) * height / (float(xr - xl) * spacing);
    const float slope_z =
        (h[std::size_t(zu) * n + x] - h[std::size_t(zd) * n + x]) * height / (float(zu - zd) * spacing);
    const float inv_length = 1.0f / sqrtf(slope_x * slope_x + 1.0f + slope_z * slope_z);
    return {float(x) * spacing - 1.0f, h[row + x] * height, float(z) * spacing - 1.0f, 0.0f,
            -slope_x * inv_length,     inv_length,          -slope_z * inv_length,     0.0f};
}

CUVK_HD float grid_spacing(std::uint32_t n) {
    return 2.0f / float(n - 1);
}

// Host only, defined once in waves_cpu.cpp and called by both simulations, so both get the same bits.
Settings read_settings(const SimulationInfo& info);
// `frame` counts steps (FrameContext::steps): a frame of N steps lets the drops of all N fall.
bool has_drop(const Settings& s, std::uint32_t frame); // a drop falls at the start of every rain-th step
Drop drop_at(const Settings& s, std::uint32_t frame);

} // namespace cuvk::compute::waves
