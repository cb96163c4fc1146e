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
    (void)channel_format_of(info.format); // refuses a format CUDA cannot see before allocating anything
    SharedImage out;
    out.array_flags_ = cudaArraySurfaceLoadStore;
    if (info.usage & VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT)
        out.array_flags_ |=
            cudaArrayColorAttachment; // required when Vulkan binds it as a colour target (CUDA API docs)
    out.exported_ = ExportedImage::create(ctx, info);
    out.import_cuda(cuda, info.name);
    return out;
}

void SharedImage::import_cuda(const CudaDevice& cuda) {
    import_cuda(cuda, exported_.image().name());
}

void SharedImage::import_cuda(const CudaDevice& cuda, const std::string& name) {
    const ScopedCudaDevice current(cuda.ordinal, name);
    const auto& image = exported_.image();
    release_cuda();
    auto memory = import_memory(exported_.export_fd(), image.allocation_size(), name);

    cudaExternalMemoryMipmappedArrayDesc desc{};
    desc.offset = 0;
    desc.formatDesc = channel_format_of(image.format());
    desc.extent = cudaExtent{image.extent().width, image.extent().height, 0}; // depth 0: a 2D array
    desc.flags = array_flags_;
    desc.numLevels = image.mip_levels();
    cudaMipmappedArray_t mipmap = nullptr;
    CUVK_CUDA(cudaExternalMemoryGetMappedMipmappedArray(&mipmap, memory.get(), &desc), name);
    UniqueMipmappedArray owned(mipmap);
    auto levels = compute::make_mip_surfaces(mipmap, image.extent(), image.mip_levels(), name);
    // Creation order: the surfaces die before the array, the array before the import.
    memory_ = std::move(memory);
    mipmap_ = std::move(owned);
    levels_ = std::move(levels);
}

void SharedImage::release_cuda() noexcept {
    levels_ = {};
    mipmap_.reset();
    memory_.reset();
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
