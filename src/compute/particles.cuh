#pragma once
// The particles sample's math, shared by the kernel (particles.cu) and the CPU reference (particles_cpu.cpp).
//
// Particles are born on a sphere shell and advected by curl noise: the velocity is the curl of a vector potential
// psi whose components are sums of sines, psi_c(p) = sum_o A_co sin(k_co . p + phase_co), so the flow is
// divergence-free and its derivatives are analytic: d psi_c / dp = sum_o A_co k_co cos(k_co . p + phase_co).
// A particle that leaves [-1, 1]^3 or outlives its hashed lifetime is born again on the shell.
//
// Agreement: everything per particle uses only IEEE +, -, *, / and sqrt, which kernels built with --fmad=false
// and host code built with -ffp-contract=off round identically. The cosine is a polynomial of our own (sincos_poly)
// rather than cosf, whose CUDA and glibc versions differ by an ulp; so the CPU reference and the kernel produce the
// same bits, frame after frame. The per-frame flow (directions, phases) is made on the host by one compiled
// function, flow_at(), which both simulations call, so it may use the C library freely.

#include "cuvk/compute/hd.hpp"
#include "hash.cuh"
#include "sample_impl.hpp"

#include <cmath>
#include <cstdint>

namespace cuvk::compute::particles {

constexpr int kOctaves = 3;               // sine terms per potential component
constexpr float kFramesPerSecond = 60.0f; // simulated time: frames per second
constexpr float kFrameSeconds = 1.0f / kFramesPerSecond;
constexpr float kShellRadius = 0.45f;    // where particles are born
constexpr float kShellThickness = 0.06f; // relative spread of the birth radius
constexpr float kAlpha = 0.2f;           // per-particle alpha: additive blending sums rgb * alpha
constexpr float kFadeInFrames = 8.0f;    // fade in after birth, out before death, so births and deaths don't pop
constexpr float kFadeOutFrames = 30.0f;
constexpr float kHotSpeed = 1.3f; // flow speed (before the speed parameter) drawn fully hot

// What the parameters set; read once from SimulationInfo by read_settings().
struct Settings {
    std::uint32_t count = 0;
    float speed = 1.0f;       // time scale: advection and the flow's own change
    float scale = 1.0f;       // spatial frequency of the noise
    float turbulence = 0.65f; // amplitude ratio of each octave to the one below
    float lifetime = 240.0f;  // longest life, in frames
    std::uint32_t seed = 1;
};

// One sine term of the potential: the argument is k . p + phase, and g = A * k is its gradient's amplitude.
struct Term {
    float kx, ky, kz, phase;
    float gx, gy, gz;
};

// The flow of one frame, passed to the kernel by value.
struct Flow {
    Term terms[3][kOctaves]; // [potential component x, y, z][octave]
    float step = 0.0f;       // displacement per frame per unit of velocity
};

struct Vec3 {
    float x, y, z;
};
CUVK_HD Vec3 operator+(Vec3 a, Vec3 b) {
    return {a.x + b.x, a.y + b.y, a.z + b.z};
}
CUVK_HD Vec3 operator*(Vec3 a, float s) {
    return {a.x * s, a.y * s, a.z * s};
}

// A particle's state: position and age in frames (whole numbers, exact in float up to 2^24).
struct alignas(16) Particle {
    float x, y, z, age;
};

using compute::hash;

// The top 24 bits of a hash as a float in [0, 1): exact, no rounding.
CUVK_HD float unit(std::uint32_t h) {
    return float(h >> 8) * (1.0f / 16777216.0f);
}

// sin and cos of x for |x| up to ~1e4, from +, -, * only: x = q * pi/2 + r with |r| <= pi/4 (Cody-Waite: pi/2
// split in three floats, the first with few bits so q * kPiHalf1 is exact), then Taylor polynomials of degree
// 9 (sin) and 10 (cos), both within 2e-9 of the true value on |r| <= pi/4, and the quadrant's sign and swap.
struct SinCos {
    float s, c;
};
CUVK_HD SinCos sincos_poly(float x) {
    constexpr float kTwoOverPi = 0.636619772f;
    constexpr float kPiHalf1 = 1.5703125f;
    constexpr float kPiHalf2 = 4.837512969970703125e-4f;
    constexpr float kPiHalf3 = 7.54978995489188216e-8f;
    const float q = floorf(x * kTwoOverPi + 0.5f);
    const float r = ((x - q * kPiHalf1) - q * kPiHalf2) - q * kPiHalf3;
    const float r2 = r * r;
    const float s =
        r + r * r2 * (-1.0f / 6.0f + r2 * (1.0f / 120.0f + r2 * (-1.0f / 5040.0f + r2 * (1.0f / 362880.0f))));
    const float c =
        1.0f +
        r2 * (-0.5f + r2 * (1.0f / 24.0f + r2 * (-1.0f / 720.0f + r2 * (1.0f / 40320.0f + r2 * (-1.0f / 3628800.0f)))));
    switch (int(q) & 3) { // two's complement: -1 & 3 == 3, the right quadrant for negative q too
    case 0:
        return {s, c};
    case 1:
        return {c, -s};
    case 2:
        return {-s, -c};
    default:
        return {-c, s};
    }
}

// The flow velocity at p: curl psi.
CUVK_HD Vec3 velocity(const Flow& flow, Vec3 p) {
    Vec3 grad[3];
    for (int c = 0; c < 3; ++c) {
        grad[c] = {0.0f, 0.0f, 0.0f};
        for (int o = 0; o < kOctaves; ++o) {
            const Term& t = flow.terms[c][o];
            const float wave = sincos_poly(t.kx * p.x + t.ky * p.y + t.kz * p.z + t.phase).c;
            grad[c] = grad[c] + Vec3{t.gx, t.gy, t.gz} * wave;
        }
    }
    // curl psi = (d psi_z/dy - d psi_y/dz, d psi_x/dz - d psi_z/dx, d psi_y/dx - d psi_x/dy)
    return {grad[2].y - grad[1].z, grad[0].z - grad[2].x, grad[1].x - grad[0].y};
}

// Particle `index`'s lifetime in frames, in [lifetime / 2, lifetime], at least one frame.
CUVK_HD float lifetime_of(std::uint32_t index, const Settings& s) {
    const float life = floorf(s.lifetime * (0.5f + 0.5f * unit(hash(index, s.seed, 0x6c1fe7u))));
    return life < 1.0f ? 1.0f : life;
}

// A birth on the sphere shell: uniform direction (z uniform in [-1, 1], azimuth uniform), hashed radius.
// `birth` tells births apart: 0 for the initial state, frame + 1 for a rebirth during that frame.
CUVK_HD Particle born(std::uint32_t index, std::uint32_t birth, std::uint32_t seed) {
    const std::uint32_t h = hash(index, birth, seed);
    const float z = 2.0f * unit(h) - 1.0f;
    const SinCos a = sincos_poly(6.28318531f * unit(hash(h, 1u)));
    const float rxy = sqrtf(1.0f - z * z);
    const float radius = kShellRadius * (1.0f + kShellThickness * (unit(hash(h, 2u)) - 0.5f));
    return {radius * rxy * a.c, radius * rxy * a.s, radius * z, 0.0f};
}

// The state before frame 0: on the shell, with ages spread over each lifetime so that births are steady.
CUVK_HD Particle initial(std::uint32_t index, const Settings& s) {
    Particle p = born(index, 0u, s.seed);
    p.age = floorf(unit(hash(index, s.seed, 0xa9e5u)) * lifetime_of(index, s));
    return p;
}

CUVK_HD bool is_outside(Vec3 p) {
    return p.x < -1.0f || p.x > 1.0f || p.y < -1.0f || p.y > 1.0f || p.z < -1.0f || p.z > 1.0f;
}

// Step `frame` (steps are counted from 0; one per displayed frame unless paused or sped up) of particle `index`: a
// midpoint (RK2) step through the frozen flow of that step, then rebirth when it left the box or its life. `speed`
// receives the flow speed at the midpoint, for the colour.
CUVK_HD Particle advance(const Flow& flow, Particle p, std::uint32_t index, std::uint32_t frame, const Settings& s,
                         float& speed) {
    const Vec3 x0{p.x, p.y, p.z};
    const Vec3 v0 = velocity(flow, x0);
    const Vec3 v1 = velocity(flow, x0 + v0 * (0.5f * flow.step));
    const Vec3 x1 = x0 + v1 * flow.step;
    speed = sqrtf(v1.x * v1.x + v1.y * v1.y + v1.z * v1.z);
    const float age = p.age + 1.0f;
    if (is_outside(x1) || age >= lifetime_of(index, s)) {
        speed = 0.0f;
        return born(index, frame + 1u, s.seed);
    }
    return {x1.x, x1.y, x1.z, age};
}

CUVK_HD std::uint32_t to_byte(float v) { // v in [0, 1]
    return std::uint32_t(v * 255.0f + 0.5f);
}

// The vertex drawn for a particle: cold blue when slow, hot orange when fast, faded in after birth and out before
// death. Dim on purpose: additive blending sums rgb * alpha of every particle on a pixel.
CUVK_HD PointVertex vertex(const Particle& p, float speed, float life) {
    float hot = speed * (1.0f / kHotSpeed);
    hot = hot > 1.0f ? 1.0f : hot;
    const float r = 0.20f + 0.80f * hot;
    const float g = 0.45f + 0.10f * hot;
    const float b = 1.00f - 0.85f * hot;
    float fade_in = (p.age + 1.0f) * (1.0f / kFadeInFrames);
    float fade_out = (life - p.age) * (1.0f / kFadeOutFrames);
    fade_in = fade_in > 1.0f ? 1.0f : fade_in;
    fade_out = fade_out > 1.0f ? 1.0f : fade_out;
    const float alpha = kAlpha * fade_in * fade_out;
    const std::uint32_t rgba = to_byte(r) | to_byte(g) << 8 | to_byte(b) << 16 | to_byte(alpha) << 24;
    return {p.x, p.y, p.z, rgba};
}

// Both simulations' per-particle step: advance through the flow of step `frame`, keeping the speed the particle is
// drawn with (0 before its first step and after a rebirth) beside its state, so that a frame that takes no step
// (FrameContext::steps == 0) draws the same vertex again.
CUVK_HD void step_particle(const Flow& flow, Particle& p, float& speed, std::uint32_t index, std::uint32_t frame,
                           const Settings& s) {
    p = advance(flow, p, index, frame, s, speed);
}

// Both simulations' output for a particle: the vertex of its state.
CUVK_HD PointVertex vertex_of(const Particle& p, float speed, std::uint32_t index, const Settings& s) {
    return vertex(p, speed, lifetime_of(index, s));
}

// Host only, defined once in particles_cpu.cpp and called by both simulations, so both get the same bits.
Settings read_settings(const SimulationInfo& info);
Flow flow_at(const Settings& s, std::uint32_t frame);

} // namespace cuvk::compute::particles
