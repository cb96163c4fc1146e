#pragma once
// IEEE half conversion that gives the same bits on host and device (round to nearest even), for RGBA16F outputs
// written by kernels and by CPU references alike.

#include "cuvk/compute/hd.hpp"

#include <cstdint>
#include <cstring>

namespace cuvk::compute {

CUVK_HD std::uint16_t float_to_half_bits(float f) {
    std::uint32_t x;
    std::memcpy(&x, &f, 4);
    const std::uint32_t sign = (x >> 16) & 0x8000u;
    std::uint32_t mag = x & 0x7fffffffu;
    if (mag >= 0x7f800000u) // inf or nan
        return std::uint16_t(sign | 0x7c00u | (mag > 0x7f800000u ? 0x200u : 0u));
    if (mag >= 0x477ff000u) // rounds to >= 65520: overflow to inf
        return std::uint16_t(sign | 0x7c00u);
    if (mag < 0x38800000u) { // subnormal half (or zero)
        if (mag < 0x33000000u)
            return std::uint16_t(sign);
        const std::uint32_t e = mag >> 23;
        const std::uint32_t m = (mag & 0x7fffffu) | 0x800000u;
        const std::uint32_t shift = 126u - e; // 14..24
        std::uint32_t h = m >> shift;
        const std::uint32_t rem = m & ((1u << shift) - 1u);
        const std::uint32_t half = 1u << (shift - 1u);
        if (rem > half || (rem == half && (h & 1u)))
            ++h;
        return std::uint16_t(sign | h);
    }
    std::uint32_t h = ((mag - 0x38000000u) >> 13);
    const std::uint32_t rem = mag & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u)))
        ++h;
    return std::uint16_t(sign | h);
}

} // namespace cuvk::compute
