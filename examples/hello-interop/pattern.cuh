#pragma once
// The one function both implementations call: texel (x, y) of frame `frame` of a w x h image, RGBA8 with R in the
// low byte. Integer math only, so the CUDA kernel and the CPU loop agree bit for bit.
#include <cuvk/compute/hd.hpp>

#include <cstdint>

CUVK_HD std::uint32_t hello_texel(std::uint32_t x, std::uint32_t y, std::uint32_t w, std::uint32_t h,
                                  std::uint32_t frame) {
    const std::uint32_t r = x * 255u / (w > 1 ? w - 1 : 1);
    const std::uint32_t g = y * 255u / (h > 1 ? h - 1 : 1);
    const std::uint32_t b = ((x + y + 4u * frame) / 16u % 2u) * 255u; // stripes moving 4 pixels a frame
    return r | g << 8 | b << 16 | 0xffu << 24;
}
