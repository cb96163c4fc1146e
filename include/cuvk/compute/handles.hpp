#pragma once
// Owners of plain CUDA handles (core::Unique with CUDA deleters), shared by every CUDA user in cuvk. Deleters ignore
// errors: they run in destructors, after the owner synchronized the stream that used the handle.

#include "cuvk/core/unique.hpp"

#include <cuda_runtime_api.h>

namespace cuvk::compute {

struct MipmappedArrayDeleter {
    void operator()(cudaMipmappedArray_t a) const noexcept { (void)cudaFreeMipmappedArray(a); }
};
struct SurfaceDeleter {
    void operator()(cudaSurfaceObject_t s) const noexcept { (void)cudaDestroySurfaceObject(s); }
};
struct TextureDeleter {
    void operator()(cudaTextureObject_t t) const noexcept { (void)cudaDestroyTextureObject(t); }
};
struct GraphDeleter {
    void operator()(cudaGraph_t g) const noexcept { (void)cudaGraphDestroy(g); }
};
struct GraphExecDeleter {
    void operator()(cudaGraphExec_t e) const noexcept { (void)cudaGraphExecDestroy(e); }
};

using UniqueMipmappedArray = core::Unique<cudaMipmappedArray_t, MipmappedArrayDeleter>;
using UniqueSurface = core::Unique<cudaSurfaceObject_t, SurfaceDeleter>;
using UniqueTexture = core::Unique<cudaTextureObject_t, TextureDeleter>;
// A captured graph and its executable instance are destroyed independently of each other.
using UniqueGraph = core::Unique<cudaGraph_t, GraphDeleter>;
using UniqueGraphExec = core::Unique<cudaGraphExec_t, GraphExecDeleter>;

} // namespace cuvk::compute
