#pragma once
// cuvk::interop::SharedImage — one image's memory seen by Vulkan (VkImage, GENERAL layout) and by CUDA (a
// mipmapped array with a surface object per level).
//
// Vulkan allocates it exportable and dedicated; CUDA imports it with the allocation's size from
// VkMemoryRequirements (not width x height) and maps all mip levels. Members in creation order, so surfaces,
// the mipmapped array and the import die before the Vulkan image (DESIGN.md, Teardown). The owner synchronizes
// the CUDA stream that used it first. The Context outlives it.

#include "cuvk/compute/mip_surfaces.hpp"
#include "cuvk/compute/views.hpp"
#include "cuvk/interop/cuda_device.hpp"
#include "cuvk/interop/cuda_handles.hpp"
#include "cuvk/interop/exported_memory.hpp"

#include <vector>

namespace cuvk::interop {

class SharedImage {
public:
    SharedImage() = default;
    // Creates the image and records nothing: the caller transitions it once with prepare_for_external().
    static SharedImage create(const render::Context& ctx, const CudaDevice& cuda, const ExportedImageInfo& info);

    VkImage vk() const noexcept { return exported_.get(); }
    const render::Image& image() const noexcept { return exported_.image(); }
    core::Extent2D extent() const noexcept { return exported_.image().extent(); }
    std::uint32_t mip_levels() const noexcept { return exported_.image().mip_levels(); }
    compute::SurfaceView surface(std::uint32_t level = 0) const;
    cudaArray_t cuda_array(std::uint32_t level = 0) const;
    // A texture object over every level, for reading (see compute::MipSurfaces).
    cudaTextureObject_t texture() const noexcept { return levels_.texture.get(); }

    // After a CUDA fault (engine::recover_from_cuda_fault): release_cuda() drops the CUDA half while the faulted
    // context is still current (its errors ignored: nothing of it is used again), import_cuda() imports the same
    // Vulkan memory into the device's new context through a new fd. The Vulkan image, its memory and the surface
    // views' extents stay; surface(), cuda_array() and texture() change.
    void release_cuda() noexcept;
    void import_cuda(const CudaDevice& cuda);

private:
    void import_cuda(const CudaDevice& cuda, const std::string& name);

    ExportedImage exported_;
    unsigned array_flags_ = 0; // cudaExternalMemoryMipmappedArrayDesc::flags
    UniqueExternalMemory memory_;
    UniqueMipmappedArray mipmap_;
    compute::MipSurfaces levels_; // surfaces over mipmap_'s levels
};

// The CUDA channel format matching a Vulkan format cuvk shares (RGBA8, BGRA8, RGBA16F, RGBA32F, R32F).
cudaChannelFormatDesc channel_format_of(VkFormat format);

} // namespace cuvk::interop
