#include "cuvk/compute/device_memory.hpp"

#include "cuvk/compute/check.hpp"

namespace cuvk::compute {

DeviceMemory allocate_async(std::size_t bytes, cudaStream_t stream, const std::string& name) {
    void* p = nullptr;
    CUVK_CUDA(cudaMallocAsync(&p, bytes, stream), name);
    return DeviceMemory(p, AsyncFree{stream});
}

} // namespace cuvk::compute
