#include "cuvk/compute/mip_surfaces.hpp"

#include "cuvk/compute/check.hpp"

#include <algorithm>

namespace cuvk::compute {

MipSurfaces make_mip_surfaces(cudaMipmappedArray_t mipmap, core::Extent2D extent, std::uint32_t levels,
                              const std::string& name) {
    MipSurfaces out;
    for (std::uint32_t level = 0; level < levels; ++level) {
        cudaArray_t array = nullptr;
        CUVK_CUDA(cudaGetMipmappedArrayLevel(&array, mipmap, level), name);
        cudaResourceDesc resource{};
        resource.resType = cudaResourceTypeArray;
        resource.res.array.array = array;
        cudaSurfaceObject_t surface = 0;
        CUVK_CUDA(cudaCreateSurfaceObject(&surface, &resource), name);
        out.arrays.push_back(array);
        out.surfaces.emplace_back(surface);
        out.views.push_back({surface, core::mip_extent(extent, level)});
    }
    // Reading: every level, point-sampled, normalized coordinates, texels as stored (no conversion to float).
    cudaResourceDesc resource{};
    resource.resType = cudaResourceTypeMipmappedArray;
    resource.res.mipmap.mipmap = mipmap;
    cudaTextureDesc texture{};
    texture.addressMode[0] = texture.addressMode[1] = cudaAddressModeClamp;
    texture.filterMode = cudaFilterModePoint;
    texture.mipmapFilterMode = cudaFilterModePoint;
    texture.readMode = cudaReadModeElementType;
    texture.normalizedCoords = 1;
    texture.maxMipmapLevelClamp = float(levels - 1);
    cudaTextureObject_t object = 0;
    CUVK_CUDA(cudaCreateTextureObject(&object, &resource, &texture, nullptr), name + " (texture)");
    out.texture = UniqueTexture(object);
    return out;
}

} // namespace cuvk::compute
