#pragma once
// Launch geometry shared by the kernels: one thread per element, 2D blocks of 16x16 for images.

#include "cuvk/core/types.hpp"

#include <cstddef>

namespace cuvk::compute {

inline dim3 grid_for(core::Extent2D extent, dim3 block) {
    return dim3((extent.width + block.x - 1) / block.x, (extent.height + block.y - 1) / block.y, 1);
}

inline unsigned grid_for(std::size_t count, unsigned block) {
    return unsigned((count + block - 1) / block);
}

} // namespace cuvk::compute
