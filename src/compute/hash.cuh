#pragma once
// The integer hash every sample seeds from: a Weyl-scrambled pair through MurmurHash3's fmix32 finaliser. Same
// bits on host and device, so CPU references and kernels start from identical states.

#include "cuvk/compute/hd.hpp"

#include <cstdint>

namespace cuvk::compute {

// MurmurHash3's fmix32 finaliser: every input bit reaches every output bit.
CUVK_HD std::uint32_t fmix32(std::uint32_t h) {
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

CUVK_HD std::uint32_t hash(std::uint32_t a, std::uint32_t b) {
    return fmix32(a * 0x9e3779b9u ^ (b + 0x7f4a7c15u) * 0x85ebca77u);
}

CUVK_HD std::uint32_t hash(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
    return hash(hash(a, b), c);
}

} // namespace cuvk::compute
