#pragma once
// Stream-ordered device memory (cudaMallocAsync from the device's default pool): simulation state lives here.
// Freed with cudaFreeAsync on the stream it was allocated on, so freeing never waits for the GPU.

#include "cuvk/core/unique.hpp"

#include <cstddef>
#include <cuda_runtime_api.h>
#include <string>

namespace cuvk::compute {

struct AsyncFree {
    cudaStream_t stream = nullptr;
    void operator()(void* p) const noexcept { (void)cudaFreeAsync(p, stream); }
};
using DeviceMemory = core::Unique<void*, AsyncFree>;

DeviceMemory allocate_async(std::size_t bytes, cudaStream_t stream, const std::string& name);

template <class T> T* as(const DeviceMemory& m) {
    return static_cast<T*>(m.get());
}

} // namespace cuvk::compute
