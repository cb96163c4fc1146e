#pragma once
// Launchers and CPU references of the test pattern (pattern.cuh). Launchers exist only in CUDA builds.

#include "cuvk/compute/views.hpp"

#include <cstdint>
#include <vector>

#if defined(CUVK_HAS_CUDA)
#include <driver_types.h>
#endif

namespace cuvk::compute {

// CPU references.
void fill_words_cpu(SpanView<std::uint32_t> out, std::uint32_t seed);
void fill_rgba8_cpu(PitchedView<std::uint32_t> out, std::uint32_t frame);
std::vector<std::uint32_t> expected_rgba8(core::Extent2D extent, std::uint32_t frame);

#if defined(CUVK_HAS_CUDA)
// out[i] = pattern::word(i, seed) for every i.
void launch_fill_words(SpanView<std::uint32_t> out, std::uint32_t seed, cudaStream_t stream);
// out[i] = out[i - 1] + 1 for the one index i (i >= 1): one link of a ping-pong chain.
void launch_increment_from_previous(SpanView<std::uint32_t> chain, std::size_t index, cudaStream_t stream);
// Every pixel of the surface's level: pattern::rgba8(x, y, extent, frame).
void launch_fill_rgba8(SurfaceView out, std::uint32_t frame, cudaStream_t stream);
#endif

} // namespace cuvk::compute
