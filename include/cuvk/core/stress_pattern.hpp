#pragma once
// The word a stress producer writes at (x, y) of frame `frame` (cuvk-stress): a 32-bit integer hash, so that any
// texel tells which frame wrote it. shaders/verify.comp computes the same function (the verifier's tests compare the
// two); a CUDA producer calls this one (constexpr, integer only: the same result on host and device).

#include <cstdint>

namespace cuvk::core {

constexpr std::uint32_t stress_pattern(std::uint32_t frame, std::uint32_t x, std::uint32_t y) {
    std::uint32_t h = (frame * 0x9E3779B1u) ^ (x * 0x85EBCA77u) ^ (y * 0xC2B2AE3Du);
    h ^= h >> 15;
    h *= 0x2C1B3C6Du;
    h ^= h >> 12;
    h *= 0x297A2D39u;
    h ^= h >> 15;
    return h;
}

} // namespace cuvk::core
