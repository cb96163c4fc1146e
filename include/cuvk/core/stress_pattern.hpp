#pragma once
// The values a stress producer writes at (x, y) of frame `frame` (cuvk-stress): from a 32-bit integer hash, so that
// any texel tells which frame wrote it. shaders/verify.comp computes the same functions (the verifier's tests compare
// the two); a CUDA producer calls these (constexpr, integer only: the same result on host and device).
//
// Per shared format, a texel's bits (little-endian words, as the format stores them in memory):
//   RGBA8: the word's bytes as R, G, B, A; BGRA8: the same colour, so memory holds B, G, R, A;
//   R32F: one finite, normal float (stress_float); RGBA32F: four of them, one per channel (stress_channel);
//   RGBA16F: four finite, normal halves from two channel words. Floats keep their bits through every copy and load.

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

// Channel c (0..3) of a texel: channel 0 is the pattern itself.
constexpr std::uint32_t stress_channel(std::uint32_t word, std::uint32_t c) {
    return word ^ (c * 0x9E3779B1u);
}

// A word made a finite, normal float: the exponent kept in [64, 127] (no NaN, no infinity, no denormal to flush).
constexpr std::uint32_t stress_float(std::uint32_t word) {
    return (word & 0x807FFFFFu) | ((((word >> 23) & 0x3Fu) + 0x40u) << 23);
}

// The low and high halves of a word made finite, normal halves (exponent in [8, 23]), packed back into a word.
constexpr std::uint32_t stress_halves(std::uint32_t word) {
    auto half = [](std::uint32_t h) { return (h & 0x83FFu) | ((((h >> 10) & 0xFu) + 8u) << 10); };
    return half(word & 0xFFFFu) | (half(word >> 16) << 16);
}

// The texel formats cuvk shares, as the stress tool writes and checks them.
enum class StressFormat : std::uint32_t { rgba8, bgra8, rgba16f, rgba32f, r32f };
constexpr const char* to_string(StressFormat f) {
    constexpr const char* names[] = {"rgba8", "bgra8", "rgba16f", "rgba32f", "r32f"};
    return std::uint32_t(f) < 5 ? names[std::uint32_t(f)] : "?";
}
constexpr std::uint32_t stress_texel_words(StressFormat f) {
    return f == StressFormat::rgba32f ? 4u : f == StressFormat::rgba16f ? 2u : 1u;
}

// Word i (< stress_texel_words) of the texel at (x, y) of `frame`, as memory holds it.
constexpr std::uint32_t stress_texel(StressFormat f, std::uint32_t frame, std::uint32_t x, std::uint32_t y,
                                     std::uint32_t i) {
    const std::uint32_t w = stress_pattern(frame, x, y);
    switch (f) {
    case StressFormat::rgba8:
        return w;
    case StressFormat::bgra8: // R and B swap places in memory
        return (w & 0xFF00FF00u) | ((w >> 16) & 0xFFu) | ((w & 0xFFu) << 16);
    case StressFormat::rgba16f:
        return stress_halves(stress_channel(w, i));
    case StressFormat::rgba32f:
        return stress_float(stress_channel(w, i));
    case StressFormat::r32f:
        return stress_float(w);
    }
    return w;
}

} // namespace cuvk::core
