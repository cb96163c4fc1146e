#include "cuvk/interop/shared_image.hpp"

#include "cuvk/compute/check.hpp"

#include <algorithm>

namespace cuvk::interop {

cudaChannelFormatDesc channel_format_of(VkFormat format) {
    switch (format) {
    case VK_FORMAT_R8G8B8A8_UNORM:
    case VK_FORMAT_B8G8R8A8_UNORM: // CUDA sees bytes in memory order: B, G, R, A
        return cudaCreateChannelDesc(8, 8, 8, 8, cudaChannelFormatKindUnsigned);
    case VK_FORMAT_R16G16B16A16_SFLOAT:
        return cudaCreateChannelDesc(16, 16, 16, 16, cudaChannelFormatKindFloat);
    case VK_FORMAT_R32G32B32A32_SFLOAT:
        return cudaCreateChannelDesc(32, 32, 32, 32, cudaChannelFormatKindFloat);
    case VK_FORMAT_R32_SFLOAT:
        return cudaCreateChannelDesc(32, 0, 0, 0, cudaChannelFormatKindFloat);
    default:
        core::fail("format " + std::to_string(int(format)) + " cannot be shared with CUDA by cuvk");
    }
}

SharedImage SharedImage::create(const render::Context& ctx, const CudaDevice& cuda, const ExportedImageInfo& info) {
    const cudaChannelFormatDesc format = channel_format_of(info.format); // before allocating anything
    const ScopedCudaDevice current(cuda.ordinal, info.name);
    SharedImage out;
    out.exported_ = ExportedImage::create(ctx, info);
    const auto& image = out.exported_.image();
    out.memory_ = import_memory(out.exported_.export_fd(), image.allocation_size(), info.name);

    cudaExternalMemoryMipmappedArrayDesc desc{};
    desc.offset = 0;
    desc.formatDesc = format;
    desc.extent = cudaExtent{info.extent.width, info.extent.height, 0}; // depth 0: a 2D array
    desc.flags = cudaArraySurfaceLoadStore;
    if (info.usage & VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT)
        desc.flags |= cudaArrayColorAttachment; // required when Vulkan binds it as a colour target (CUDA API docs)
    desc.numLevels = info.mip_levels;
    cudaMipmappedArray_t mipmap = nullptr;
    CUVK_CUDA(cudaExternalMemoryGetMappedMipmappedArray(&mipmap, out.memory_.get(), &desc), info.name);
    out.mipmap_ = UniqueMipmappedArray(mipmap);

    out.levels_ = compute::make_mip_surfaces(mipmap, info.extent, info.mip_levels, info.name);
    return out;
}

compute::SurfaceView SharedImage::surface(std::uint32_t level) const {
    CUVK_ASSERT(level < levels_.views.size(), "mip level out of range");
    return levels_.views[level];
}

cudaArray_t SharedImage::cuda_array(std::uint32_t level) const {
    CUVK_ASSERT(level < levels_.arrays.size(), "mip level out of range");
    return levels_.arrays[level];
}

} // namespace cuvk::interop
