#include "cuvk/interop/shared_buffer.hpp"

#include "cuvk/compute/check.hpp"

namespace cuvk::interop {

UniqueExternalMemory import_memory(core::UniqueFd&& fd, unsigned long long allocation_size, const std::string& name,
                                   bool dedicated) {
    core::require_open_fd(fd, name.c_str());
    const auto before = core::identity_of(fd);
    cudaExternalMemoryHandleDesc desc{};
    desc.type = cudaExternalMemoryHandleTypeOpaqueFd;
    desc.handle.fd = fd.get();
    desc.size = allocation_size;
    desc.flags = dedicated ? cudaExternalMemoryDedicated : 0u;
    cudaExternalMemory_t memory = nullptr;
    const cudaError_t imported = cudaImportExternalMemory(&memory, &desc);
    // Never close a number the driver took although the import failed (it may have reused it).
    if (imported != cudaSuccess && !core::keep_if_still_ours(fd, before))
        CUVK_CUDA(imported, name + " (the driver took the fd although the import failed)");
    CUVK_CUDA(imported, name);
    // "Ownership of the file descriptor is transferred to the CUDA driver when the handle is imported
    // successfully" (CUDA runtime API, cudaImportExternalMemory).
    (void)fd.release();
    return UniqueExternalMemory(memory);
}

SharedBuffer SharedBuffer::create(const render::Context& ctx, const CudaDevice& cuda, const ExportedBufferInfo& info) {
    SharedBuffer out;
    out.mapped_size_ = info.size;
    out.dedicated_ = info.dedicated;
    out.exported_ = ExportedBuffer::create(ctx, info);
    out.import_cuda(cuda);
    return out;
}

void SharedBuffer::import_cuda(const CudaDevice& cuda) {
    const std::string& name = exported_.buffer().name();
    const ScopedCudaDevice current(cuda.ordinal, name);
    release_cuda();
    auto memory = import_memory(exported_.export_fd(), exported_.buffer().allocation_size(), name, dedicated_);
    cudaExternalMemoryBufferDesc desc{};
    desc.offset = 0;
    desc.size = mapped_size_;
    void* ptr = nullptr;
    CUVK_CUDA(cudaExternalMemoryGetMappedBuffer(&ptr, memory.get(), &desc), name);
    memory_ = std::move(memory);
    mapped_ = UniqueMappedPointer(ptr);
}

void SharedBuffer::release_cuda() noexcept {
    mapped_.reset();
    memory_.reset();
}

} // namespace cuvk::interop
