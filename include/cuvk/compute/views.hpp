#pragma once
// Typed views that compute's kernels and CPU references take: no Vulkan, no ownership.

#include "cuvk/core/types.hpp"

#include <cstddef>
#include <cstdint>

namespace cuvk::compute {

// A CUDA surface object (cudaSurfaceObject_t) over one level of a 2D array, and that level's size.
struct SurfaceView {
    unsigned long long surface = 0;
    core::Extent2D extent;
};

// A linear 2D view: `pitch` bytes between rows, each row `extent.width` elements of T.
template <class T> struct PitchedView {
    T* data = nullptr;
    core::Extent2D extent;
    std::size_t pitch = 0;
};

// A linear 1D view of `count` elements.
template <class T> struct SpanView {
    T* data = nullptr;
    std::size_t count = 0;
};

} // namespace cuvk::compute
