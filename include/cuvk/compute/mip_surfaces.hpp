#pragma once
// One surface object per level of a CUDA mipmapped array, the views kernels write through, and one texture object
// over all levels for reading. Used for arrays imported from Vulkan (interop) and for arrays CUDA allocates itself
// (the staging backend). Owns the surfaces and the texture only; the mipmapped array must outlive them.

#include "cuvk/compute/handles.hpp"
#include "cuvk/compute/views.hpp"

#include <string>
#include <vector>

namespace cuvk::compute {

struct MipSurfaces {
    std::vector<cudaArray_t> arrays;     // per level, owned by the mipmapped array
    std::vector<UniqueSurface> surfaces; // per level
    std::vector<SurfaceView> views;      // per level: surface and that level's extent
    // All levels: point-sampled, normalized coordinates, clamped, texels as stored (cudaReadModeElementType).
    UniqueTexture texture;
};

// `extent` is level 0's size; level l is max(1, extent >> l) on each side.
MipSurfaces make_mip_surfaces(cudaMipmappedArray_t mipmap, core::Extent2D extent, std::uint32_t levels,
                              const std::string& name);

} // namespace cuvk::compute
