#pragma once
// The fractal sample's math, shared by the kernel (fractal.cu) and the CPU reference (fractal_cpu.cpp).
//
// A Mandelbrot zoom written into every level of a mipmapped RGBA8 image: each texel of each level is computed at
// the point of the complex plane under its centre, so every level is the same picture at its own resolution (no
// downsampling). Smooth colouring from the continuous escape count, nu = n + 1 - log2(ln |z|), through a cosine
// palette; points that never escape are black.
//
// Agreement: coordinates and the iteration are double precision and use only +, - and *, which kernels built with
// --fmad=false and host code built with -ffp-contract=off round identically, so both escape at the same n with the
// same z. Only the colouring calls transcendental functions (log, log2, cos in double): CUDA's log and log2 are
// within 1 ulp and cos within 2 ulp of the true value, glibc's within 1 ulp, so they may differ in the last bit or
// two of a double; that moves a channel, 255 * value rounded to an integer, only when the value lies within ~1e-13
// of a rounding boundary. The view of each frame is made on the host by one compiled function, view_at(), which
// both simulations call, so it may use pow freely.

#include "cuvk/compute/hd.hpp"
#include "sample_impl.hpp"

#include <cmath>
#include <cstdint>

namespace cuvk::compute::fractal {

constexpr double kBailout2 = 65536.0; // |z|^2 beyond which a point has escaped: a large radius smooths nu

// What the parameters set; read once from SimulationInfo by read_settings().
struct Settings {
    core::Extent2D extent; // level 0: twice the display size
    std::uint32_t mip_levels = 1;
    double zoom = 1.01; // magnification per frame
    std::uint32_t iterations = 1000;
    double bands = 1.0; // palette cycles per 32 iterations
    std::uint32_t seed = 1;
};

// The part of the plane a frame shows: level 0's width spans `width` around the centre, its height the same scale.
struct View {
    double center_re, center_im;
    double width, height;
    std::uint32_t iterations;
    double bands; // palette cycles per iteration
    double phase; // palette offset from the seed
};

// The continuous escape count of c, or a negative number when c does not escape within `iterations`.
CUVK_HD double escape(double cr, double ci, std::uint32_t iterations) {
    // The main cardioid and the period-2 bulb never escape: skip them (exact arithmetic, same answer on both).
    const double xq = cr - 0.25;
    const double q = xq * xq + ci * ci;
    if (q * (q + xq) <= 0.25 * ci * ci)
        return -1.0;
    const double xb = cr + 1.0;
    if (xb * xb + ci * ci <= 0.0625)
        return -1.0;

    double x = 0.0, y = 0.0, x2 = 0.0, y2 = 0.0;
    for (std::uint32_t n = 0; n < iterations; ++n) {
        y = 2.0 * x * y + ci;
        x = x2 - y2 + cr;
        x2 = x * x;
        y2 = y * y;
        if (x2 + y2 > kBailout2) {
            const double nu = double(n) + 1.0 - log2(0.5 * log(x2 + y2));
            return nu > 0.0 ? nu : 0.0; // only points far outside any view escape before nu reaches 0
        }
    }
    return -1.0;
}

CUVK_HD std::uint32_t to_byte(double v) {
    v = v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
    return std::uint32_t(v * 255.0 + 0.5);
}

// RGBA8 (R in the low byte) for a continuous escape count: a cosine palette, 0.5 + 0.5 cos(2 pi (t + d)), with d
// offset per channel, that fades in from black over the first iterations so the outside stays dark.
CUVK_HD std::uint32_t colour(double nu, const View& v) {
    if (nu < 0.0)
        return 0xff000000u;
    constexpr double kTwoPi = 6.283185307179586;
    const double t = nu * v.bands + v.phase;
    const double fade = nu < 8.0 ? nu * 0.125 : 1.0;
    const double r = fade * (0.5 + 0.5 * cos(kTwoPi * (t + 0.00)));
    const double g = fade * (0.5 + 0.5 * cos(kTwoPi * (t + 0.15)));
    const double b = fade * (0.5 + 0.5 * cos(kTwoPi * (t + 0.30)));
    return to_byte(r) | to_byte(g) << 8 | to_byte(b) << 16 | 0xff000000u;
}

// Texel (x, y) of a level `width` x `height`: the point under its centre, with y growing downwards.
CUVK_HD std::uint32_t texel(const View& v, std::uint32_t x, std::uint32_t y, std::uint32_t width,
                            std::uint32_t height) {
    const double u = (double(x) + 0.5) / double(width) - 0.5;
    const double w = (double(y) + 0.5) / double(height) - 0.5;
    return colour(escape(v.center_re + u * v.width, v.center_im - w * v.height, v.iterations), v);
}

// Host only, defined once in fractal_cpu.cpp and called by both simulations, so both get the same bits.
Settings read_settings(const SimulationInfo& info);
View view_at(const Settings& s, std::uint32_t frame);

} // namespace cuvk::compute::fractal
