#pragma once
// Owners of the CUDA handles that importing creates (core::Unique with CUDA deleters). Deleters ignore errors:
// they run in destructors, after the owner synchronized its stream.

#include "cuvk/compute/handles.hpp"
#include "cuvk/core/unique.hpp"
#include "cuvk/core/unique_fd.hpp"

#include <string>

#include <cuda_runtime_api.h>

namespace cuvk::interop {

struct ExternalMemoryDeleter {
    void operator()(cudaExternalMemory_t m) const noexcept { (void)cudaDestroyExternalMemory(m); }
};
struct MappedPointerDeleter {
    void operator()(void* p) const noexcept { (void)cudaFree(p); }
};
struct ExternalSemaphoreDeleter {
    void operator()(cudaExternalSemaphore_t s) const noexcept { (void)cudaDestroyExternalSemaphore(s); }
};

using UniqueExternalMemory = core::Unique<cudaExternalMemory_t, ExternalMemoryDeleter>;
using UniqueMappedPointer = core::Unique<void*, MappedPointerDeleter>;
using compute::UniqueMipmappedArray;
using compute::UniqueSurface;
using UniqueExternalSemaphore = core::Unique<cudaExternalSemaphore_t, ExternalSemaphoreDeleter>;

// Imports exported Vulkan memory (opaque fd, an allocation of `allocation_size` bytes, as VkMemoryRequirements gave
// it; dedicated unless said otherwise). The fd belongs to CUDA after a successful import; on failure it is closed
// here. An fd that is empty or not open is refused before CUDA sees it.
UniqueExternalMemory import_memory(core::UniqueFd&& fd, unsigned long long allocation_size, const std::string& name,
                                   bool dedicated = true);

} // namespace cuvk::interop
