#pragma once
// A swarm orbiting a heavy centre: the per-particle math, shared by the kernels and the CPU implementation. Only
// + - * / and sqrt (all correctly rounded on both sides), in the same order, so both give the same bits.
#include <cuvk/compute/hd.hpp>
#include <cuvk/compute/simulation.hpp>

#include <cmath>
#include <cstdint>

struct Particle {
    float x, y, z, vx, vy, vz;
};

CUVK_HD float unit(std::uint32_t i, std::uint32_t salt) { // a hash of (i, salt) in [0, 1)
    std::uint32_t h = i * 0x9e3779b9u ^ salt * 0x85ebca6bu;
    h ^= h >> 16, h *= 0x7feb352du, h ^= h >> 15, h *= 0x846ca68bu, h ^= h >> 16;
    return float(h >> 8) * (1.0f / 16777216.0f);
}

// A disc of radius 0.2..1 with near-circular velocities (the centre's pull is 1/r^2 with strength 0.5).
CUVK_HD Particle spawn(std::uint32_t i) {
    const float a = 2.0f * unit(i, 1) - 1.0f, b = 2.0f * unit(i, 2) - 1.0f;
    const float r = 0.2f + 0.8f * unit(i, 3), len = sqrtf(a * a + b * b) + 1e-6f;
    const float x = r * a / len, z = r * b / len, speed = sqrtf(0.5f / r);
    return {x, 0.05f * (unit(i, 4) - 0.5f), z, -speed * z / r, 0.0f, speed * x / r};
}

CUVK_HD cuvk::compute::PointVertex advance(Particle& p, float dt) {
    const float r2 = p.x * p.x + p.y * p.y + p.z * p.z + 0.01f;
    const float pull = -0.5f / (r2 * sqrtf(r2));
    p.vx = p.vx + pull * p.x * dt, p.vy = p.vy + pull * p.y * dt, p.vz = p.vz + pull * p.z * dt;
    p.x = p.x + p.vx * dt, p.y = p.y + p.vy * dt, p.z = p.z + p.vz * dt;
    const float speed2 = p.vx * p.vx + p.vy * p.vy + p.vz * p.vz;
    const std::uint32_t hot = speed2 > 2.0f ? 200u : std::uint32_t(speed2 * 100.0f);
    return {p.x, p.y, p.z, (0x10u + hot) | (0x40u + hot / 2) << 8 | (0xffu - hot / 2) << 16 | 0xffu << 24};
}
