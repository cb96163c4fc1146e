#pragma once
// cuvk::interop::SharedBuffer — one buffer's memory seen by Vulkan (VkBuffer) and by CUDA (a device pointer).
//
// Vulkan allocates it exportable and dedicated; CUDA imports the opaque fd and maps the whole buffer.
// Members in creation order, so the CUDA mapping and import die before the Vulkan buffer and memory (DESIGN.md,
// Teardown). The owner synchronizes the CUDA stream that used it before destroying it. The Context outlives it.

#include "cuvk/compute/views.hpp"
#include "cuvk/interop/cuda_device.hpp"
#include "cuvk/interop/cuda_handles.hpp"
#include "cuvk/interop/exported_memory.hpp"

namespace cuvk::interop {

class SharedBuffer {
public:
    SharedBuffer() = default;
    static SharedBuffer create(const render::Context& ctx, const CudaDevice& cuda, const ExportedBufferInfo& info);

    VkBuffer vk() const noexcept { return exported_.get(); }
    const render::Buffer& buffer() const noexcept { return exported_.buffer(); }
    VkDeviceSize size() const noexcept { return exported_.buffer().size(); }
    void* cuda_ptr() const noexcept { return mapped_.get(); }
    template <class T> compute::SpanView<T> span() const noexcept {
        return {static_cast<T*>(mapped_.get()), std::size_t(size() / sizeof(T))};
    }

    // After a CUDA fault, as SharedImage's: the CUDA mapping and import are released, then the same Vulkan memory is
    // imported again into the device's new context. cuda_ptr() changes; the Vulkan buffer and its contents stay.
    void release_cuda() noexcept;
    void import_cuda(const CudaDevice& cuda);

private:
    ExportedBuffer exported_;
    VkDeviceSize mapped_size_ = 0; // what CUDA maps (ExportedBufferInfo::size)
    bool dedicated_ = true;
    UniqueExternalMemory memory_;
    UniqueMappedPointer mapped_;
};

} // namespace cuvk::interop
