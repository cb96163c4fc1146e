#pragma once
// The test pattern: integer-only math, so that a kernel and its CPU reference agree on every byte.
// Used by the foundation demo (an image) and by the interop tests (buffers and images of any size).

#include "cuvk/compute/hd.hpp"
#include "hash.cuh"

#include <cstdint>

namespace cuvk::compute::pattern {

// A 32-bit mix of (index, seed).
CUVK_HD std::uint32_t word(std::uint64_t index, std::uint32_t seed) {
    return fmix32(std::uint32_t(index) ^ std::uint32_t(index >> 32) * 0x9e3779b9u ^ seed);
}

// Packed RGBA8 (R in the low byte) of pixel (x, y) of a width x height image at frame `frame`:
// red and green ramps, blue rings that move with the frame, and a low bit-pattern so that a shifted or
// transposed copy cannot match.
CUVK_HD std::uint32_t rgba8(std::uint32_t x, std::uint32_t y, std::uint32_t width, std::uint32_t height,
                            std::uint32_t frame) {
    const std::uint32_t r = width > 1 ? (x * 255u) / (width - 1) : 0u;
    const std::uint32_t g = height > 1 ? (y * 255u) / (height - 1) : 0u;
    const std::uint32_t dx = x > width / 2 ? x - width / 2 : width / 2 - x;
    const std::uint32_t dy = y > height / 2 ? y - height / 2 : height / 2 - y;
    const std::uint32_t b = ((((dx * dx + dy * dy) >> 5) + frame * 8u) & 255u) ^ ((x ^ y) & 3u);
    return r | (g << 8) | (b << 16) | (0xffu << 24);
}

} // namespace cuvk::compute::pattern
