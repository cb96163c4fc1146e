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
    const ScopedCudaDevice current(cuda.ordinal, info.name);
    SharedBuffer out;
    out.exported_ = ExportedBuffer::create(ctx, info);
    out.memory_ =
        import_memory(out.exported_.export_fd(), out.exported_.buffer().allocation_size(), info.name, info.dedicated);
    cudaExternalMemoryBufferDesc desc{};
    desc.offset = 0;
    desc.size = info.size;
    void* ptr = nullptr;
    CUVK_CUDA(cudaExternalMemoryGetMappedBuffer(&ptr, out.memory_.get(), &desc), info.name);
    out.mapped_ = UniqueMappedPointer(ptr);
    return out;
}

} // namespace cuvk::interop
