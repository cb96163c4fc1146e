#pragma once
// Stable fluids (Stam 1999) on a grid of one cell per output pixel, the math shared by the kernels (fluid.cu) and
// the CPU reference (fluid_cpu.cpp). Cell (x, y) is centred at (x + 0.5, y + 0.5), grid spacing 1, closed walls.
// Per step: advect velocity (+ jets) -> divergence -> Jacobi pressure -> subtract the gradient -> advect dye
// (+ jets); per frame, after its steps: colour.
//
// How the two sides agree bit for bit: the kernels read the advected field through a texture with linear filtering;
// the CPU reference calls sample_linear() below, which reproduces the texture unit's filter exactly (measured on
// sm_90; see there). Everything else is IEEE single-precision + - * / in one fixed order (--fmad=false,
// -ffp-contract=off; division correctly rounded on both sides), and the forcing of a frame is computed once on
// the host by one function for both. The one place they can differ is a GPU whose texture unit rounds otherwise.

#include "brush.cuh"
#include "cuvk/compute/hd.hpp"
#include "cuvk/compute/views.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/core/types.hpp"
#include "half.cuh"

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>

namespace cuvk::compute::fluid {

struct alignas(8) Velocity {
    float x = 0.0f; // cells per time unit
    float y = 0.0f;
};
// Three dye channels and one unused: a texture's texel has 1, 2 or 4 channels.
struct alignas(16) Dye {
    float r = 0.0f, g = 0.0f, b = 0.0f, a = 0.0f;
};

CUVK_HD Velocity operator+(Velocity p, Velocity q) {
    return {p.x + q.x, p.y + q.y};
}
CUVK_HD Velocity operator*(Velocity p, float s) {
    return {p.x * s, p.y * s};
}
CUVK_HD Dye operator+(Dye p, Dye q) {
    return {p.r + q.r, p.g + q.g, p.b + q.b, p.a + q.a};
}
CUVK_HD Dye operator*(Dye p, float s) {
    return {p.r * s, p.g * s, p.b * s, p.a * s};
}

// Index of each parameter in SimulationInfo::params: the order of the ParamSpec table in fluid_cpu.cpp.
enum Param : std::size_t {
    kDt,
    kVelocityDissipation,
    kDyeDissipation,
    kForce,
    kJets,
    kIterations,
    kParamCount,
};

inline constexpr int kMaxJets = 8;

struct Params {
    float dt = 0.25f;
    float velocity_keep = 1.0f; // 1 / (1 + velocity dissipation * dt): advected velocity is multiplied by it
    float dye_keep = 1.0f;      // likewise for dye
    float force = 1.0f;
    std::uint32_t jets = 3;
    std::uint32_t iterations = 40;
};

inline Params params_from(std::span<const float> values) {
    CUVK_ASSERT(values.size() == kParamCount, "fluid takes one value per ParamSpec");
    // Values are within the ParamSpec ranges already; the clamps guard the jet array and the loop count.
    const auto count = [](float v, long lo, long hi) {
        const long n = std::lround(v);
        return std::uint32_t(n < lo ? lo : (n > hi ? hi : n));
    };
    const float dt = values[kDt];
    return {.dt = dt,
            .velocity_keep = 1.0f / (1.0f + values[kVelocityDissipation] * dt),
            .dye_keep = 1.0f / (1.0f + values[kDyeDissipation] * dt),
            .force = values[kForce],
            .jets = count(values[kJets], 1, kMaxJets),
            .iterations = count(values[kIterations], 1, 500)};
}

// One jet: a disc that accelerates the fluid and emits dye.
struct Jet {
    float x = 0.0f, y = 0.0f;   // centre, grid coordinates
    float ax = 0.0f, ay = 0.0f; // acceleration at the centre, cells per time unit^2
    Dye dye;                    // dye emitted at the centre per time unit
    float radius = 1.0f;        // cells
};
// The forcing of one frame, the same for every cell: computed on the host, passed to the kernels by value.
struct Forcing {
    Jet jets[kMaxJets];
    std::uint32_t count = 0;
};

// The forcing of step `frame` (0, 1, ...; one step per displayed frame unless paused or sped up): jets orbiting the
// centre and sweeping their direction, positions and colours derived from (seed, step). Host only, defined once in
// fluid_cpu.cpp and called by both backends; its double math uses IEEE-exact operations only (no libm sin/cos), so
// every host computes the same bits.
Forcing forcing_for(const Params& params, core::Extent2D extent, std::uint32_t seed, std::uint64_t frame);

// Texel (x, y) of a pitched field.
template <class T> CUVK_HD T& at(PitchedView<T> field, std::uint32_t x, std::uint32_t y) {
    using Byte = std::conditional_t<std::is_const_v<T>, const char, char>;
    return reinterpret_cast<T*>(reinterpret_cast<Byte*>(field.data) + std::size_t(y) * field.pitch)[x];
}

// A texture fetch with cudaFilterModeLinear, cudaAddressModeClamp and unnormalized coordinates, emulated bit for bit.
//
// The CUDA Programming Guide (texture fetching appendix, linear filtering) specifies
//     tex(x, y) = (1-a)(1-b) T[i, j] + a(1-b) T[i+1, j] + (1-a) b T[i, j+1] + a b T[i+1, j+1]
//     xB = x - 0.5, i = floor(xB), a = frac(xB) (likewise yB, j, b)
// with a and b "stored in 9-bit fixed point format with 8 bits of fractional value", and clamp addressing applied
// to each texel index. It does not say how the weights are combined or the sum rounded; the rest below was
// measured on an H100 (sm_90, fp32 texels; 524288 fetches of random texels at every weight pair, and 2^20 fetches
// each of float2 and float4 textures at random coordinates in and around the grid, all reproduced bit for bit):
//   - a and b are rounded to the nearest multiple of 1/256, ties up (so a can be 1);
//   - the 2D weights are integers in 1/256 that sum to 256 (a, b also in 1/256): w11 = round_half_up(a b / 256),
//     w10 = a - w11, w01 = b - w11, w00 = 256 - a - b + w11 (as if it filtered t00 + a dx + b dy + ab dxy);
//   - per channel, each texel with a non-zero weight is truncated (toward zero) to a multiple of 1/16 ulp of the
//     largest of them, the weighted sum is exact, and it is rounded once to float, ties away from zero.
// Other GPU generations may round differently: the fluid's frames would then drift apart (see fluid_cpu.cpp).

// The weight of texel i + 1 along one axis, in 1/256 (0 .. 256).
CUVK_HD std::int32_t texel_weight(float fraction) {
    return std::int32_t(floorf(fraction * 256.0f + 0.5f));
}

// The four weights in 1/256 (sum 256) of texels (i, j), (i+1, j), (i, j+1), (i+1, j+1).
struct Weights {
    std::int32_t w00, w10, w01, w11;
};
CUVK_HD Weights bilinear_weights(std::int32_t a, std::int32_t b) {
    const std::int32_t w11 = (a * b + 128) >> 8;
    return {256 - a - b + w11, a - w11, b - w11, w11};
}

CUVK_HD int bit_length(std::uint64_t v) {
#if defined(__CUDA_ARCH__)
    return 64 - __clzll(static_cast<long long>(v));
#else
    return int(std::bit_width(v));
#endif
}

// One channel of the filter.
CUVK_HD float filter_channel(float t00, float t10, float t01, float t11, Weights weights) {
    const float texel[4] = {t00, t10, t01, t11};
    const std::int32_t w[4] = {weights.w00, weights.w10, weights.w01, weights.w11};
    std::uint32_t bits[4];
    int top = 1; // largest biased exponent among the weighted texels (subnormals count as 1, their true scale)
    for (int k = 0; k < 4; ++k) {
        std::memcpy(&bits[k], &texel[k], 4);
        const int e = int((bits[k] >> 23) & 0xffu);
        if (w[k] != 0 && e > top && e != 0xff)
            top = e;
    }
    // Texel k is mantissa * 2^(e - 150); the sum is kept in units of 2^(top - 154), four bits below the ulp of
    // the largest texel. |sum| < 2^28 * 256 * 2: int64 holds it exactly.
    std::int64_t sum = 0;
    for (int k = 0; k < 4; ++k) {
        const int field = int((bits[k] >> 23) & 0xffu);
        if (w[k] == 0 || field == 0xff)
            continue;
        const int e = field == 0 ? 1 : field;
        const std::uint32_t mantissa = (bits[k] & 0x7fffffu) | (field == 0 ? 0u : 0x800000u);
        const int shift = e - top + 4; // <= 4
        const std::int64_t units =
            shift >= 0 ? std::int64_t(mantissa) << shift : (shift > -32 ? std::int64_t(mantissa >> -shift) : 0);
        sum += ((bits[k] >> 31) ? -units : units) * w[k];
    }
    // value = sum * 2^(top - 154 - 8), rounded to 24 significant bits, ties away from zero.
    const bool negative = sum < 0;
    std::uint64_t magnitude = std::uint64_t(negative ? -sum : sum);
    int exponent = top - 162;
    const int excess = bit_length(magnitude) - 24;
    if (excess > 0) {
        magnitude = (magnitude + (std::uint64_t(1) << (excess - 1))) >> excess;
        exponent += excess;
    }
    const float value = ldexpf(float(magnitude), exponent);
    return negative ? -value : value;
}

CUVK_HD Velocity filter(Velocity t00, Velocity t10, Velocity t01, Velocity t11, Weights w) {
    return {filter_channel(t00.x, t10.x, t01.x, t11.x, w), filter_channel(t00.y, t10.y, t01.y, t11.y, w)};
}
CUVK_HD Dye filter(const Dye& t00, const Dye& t10, const Dye& t01, const Dye& t11, Weights w) {
    return {filter_channel(t00.r, t10.r, t01.r, t11.r, w), filter_channel(t00.g, t10.g, t01.g, t11.g, w),
            filter_channel(t00.b, t10.b, t01.b, t11.b, w), filter_channel(t00.a, t10.a, t01.a, t11.a, w)};
}

template <class T> CUVK_HD T sample_linear(PitchedView<const T> field, float x, float y) {
    const int w = int(field.extent.width), h = int(field.extent.height);
    // Keeps the float -> int conversion below defined for any input (NaN included); no backtrace reaches this far.
    x = fminf(fmaxf(x, -1048576.0f), 1048576.0f);
    y = fminf(fmaxf(y, -1048576.0f), 1048576.0f);
    const float xb = x - 0.5f, yb = y - 0.5f;
    const float fx = floorf(xb), fy = floorf(yb);
    const int i = int(fx), j = int(fy);
    const auto cx = [w](int v) { return std::uint32_t(v < 0 ? 0 : (v >= w ? w - 1 : v)); };
    const auto cy = [h](int v) { return std::uint32_t(v < 0 ? 0 : (v >= h ? h - 1 : v)); };
    const std::uint32_t x0 = cx(i), x1 = cx(i + 1), y0 = cy(j), y1 = cy(j + 1);
    return filter(at(field, x0, y0), at(field, x1, y0), at(field, x0, y1), at(field, x1, y1),
                  bilinear_weights(texel_weight(xb - fx), texel_weight(yb - fy)));
}

// Where the fluid now at the centre of cell (x, y) was dt ago: the coordinates to fetch the advected field at.
struct Point {
    float x, y;
};
CUVK_HD Point backtrace(std::uint32_t x, std::uint32_t y, Velocity v, float dt) {
    return {(float(x) + 0.5f) - dt * v.x, (float(y) + 0.5f) - dt * v.y};
}

// Weight of a jet at cell (x, y): (1 - d^2 / r^2)^2 inside its disc, 0 outside (smooth, and exact in IEEE ops).
CUVK_HD float jet_weight(const Jet& jet, std::uint32_t x, std::uint32_t y) {
    const float dx = (float(x) + 0.5f) - jet.x, dy = (float(y) + 0.5f) - jet.y;
    const float q = 1.0f - (dx * dx + dy * dy) / (jet.radius * jet.radius);
    return q > 0.0f ? q * q : 0.0f;
}

// The new velocity of cell (x, y) from its advected sample: dissipation, then the jets' acceleration.
CUVK_HD Velocity force_velocity(Velocity sample, std::uint32_t x, std::uint32_t y, const Params& p, const Forcing& f) {
    Velocity v = sample * p.velocity_keep;
    for (std::uint32_t k = 0; k < f.count; ++k) {
        const float s = p.dt * jet_weight(f.jets[k], x, y);
        v = v + Velocity{f.jets[k].ax, f.jets[k].ay} * s;
    }
    return v;
}

// The new dye of cell (x, y) from its advected sample: dissipation, then the jets' emission.
CUVK_HD Dye force_dye(Dye sample, std::uint32_t x, std::uint32_t y, const Params& p, const Forcing& f) {
    Dye d = sample * p.dye_keep;
    for (std::uint32_t k = 0; k < f.count; ++k)
        d = d + f.jets[k].dye * (p.dt * jet_weight(f.jets[k], x, y));
    return d;
}

// What a pointer stroke does to cell (x, y), weighted by its falloff (brush.cuh): it pushes the fluid along the
// pointer's motion, adding motion / dt, so that the fluid under the stroke's centre line moves with the pointer
// over the next step (any button); with the left button it also leaves white dye, one unit per channel on the
// centre line. Cells the disc does not reach keep their bits. The push is not divergence-free: the next step's
// projection makes it so.
CUVK_HD Velocity brushed_velocity(Velocity v, const Stroke& s, std::uint32_t x, std::uint32_t y, const Params& p) {
    const float w = falloff(s, x, y);
    if (!(w > 0.0f))
        return v;
    return v + Velocity{s.x1 - s.x0, s.y1 - s.y0} * (w / p.dt);
}
CUVK_HD Dye brushed_dye(Dye d, const Stroke& s, std::uint32_t x, std::uint32_t y) {
    const float w = falloff(s, x, y);
    if (!(w > 0.0f) || !(s.buttons & kLeftButton))
        return d;
    return d + Dye{1.0f, 1.0f, 1.0f, 0.0f} * w;
}

// Divergence of the velocity at cell (x, y) by central differences; a wall reflects the normal component
// (the velocity beyond it is minus the cell's own), so no fluid crosses it.
CUVK_HD float divergence(PitchedView<const Velocity> v, std::uint32_t x, std::uint32_t y) {
    const std::uint32_t w = v.extent.width, h = v.extent.height;
    const Velocity c = at(v, x, y);
    const float l = x > 0 ? at(v, x - 1, y).x : -c.x;
    const float r = x + 1 < w ? at(v, x + 1, y).x : -c.x;
    const float d = y > 0 ? at(v, x, y - 1).y : -c.y;
    const float u = y + 1 < h ? at(v, x, y + 1).y : -c.y;
    return 0.5f * ((r - l) + (u - d));
}

// The four neighbours of cell (x, y) of a scalar field, each clamped to the grid (zero normal gradient at walls).
struct Neighbours {
    float l, r, d, u;
};
CUVK_HD Neighbours neighbours(PitchedView<const float> p, std::uint32_t x, std::uint32_t y) {
    const std::uint32_t w = p.extent.width, h = p.extent.height;
    return {at(p, x > 0 ? x - 1 : x, y), at(p, x + 1 < w ? x + 1 : x, y), at(p, x, y > 0 ? y - 1 : y),
            at(p, x, y + 1 < h ? y + 1 : y)};
}

// One Jacobi iteration of the pressure Poisson equation lap(p) = div at cell (x, y).
CUVK_HD float jacobi(PitchedView<const float> p, PitchedView<const float> div, std::uint32_t x, std::uint32_t y) {
    const Neighbours n = neighbours(p, x, y);
    return (((n.l + n.r) + (n.d + n.u)) - at(div, x, y)) * 0.25f;
}

// The velocity of cell (x, y) made divergence-free: minus the pressure gradient.
CUVK_HD Velocity project(Velocity v, PitchedView<const float> p, std::uint32_t x, std::uint32_t y) {
    const Neighbours n = neighbours(p, x, y);
    return {v.x - 0.5f * (n.r - n.l), v.y - 0.5f * (n.u - n.d)};
}

// The displayed colour of a dye value: each channel tone-mapped by c / (1 + c) into [0, 1), alpha 1; four IEEE
// half floats, R first.
struct Half4 {
    std::uint16_t r, g, b, a;
};
CUVK_HD Half4 rgba16f(Dye d) {
    const auto tone = [](float c) {
        c = c > 0.0f ? c : 0.0f;
        return float_to_half_bits(c / (1.0f + c));
    };
    return {tone(d.r), tone(d.g), tone(d.b), float_to_half_bits(1.0f)};
}

} // namespace cuvk::compute::fluid
