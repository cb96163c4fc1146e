// Each kernel against its CPU reference, at sizes that are not multiples of the block. Needs a CUDA device.

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/stream.hpp"
#include "pattern.hpp"

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>
#include <vector>

using namespace cuvk;

namespace {

std::string cuda_skip_reason() {
    int count = 0;
    const cudaError_t r = cudaGetDeviceCount(&count);
    if (r != cudaSuccess) {
        (void)cudaGetLastError();
        return std::string("no CUDA device: ") + cudaGetErrorName(r);
    }
    return count == 0 ? "no CUDA device" : "";
}

} // namespace

TEST(PatternKernel, WordsMatchTheCpuReference) {
    if (auto why = cuda_skip_reason(); !why.empty())
        GTEST_SKIP() << why;
    constexpr std::size_t kCount = 1'000'003;
    auto stream = compute::create_stream("test");
    std::uint32_t* device = nullptr;
    CUVK_CUDA(cudaMallocAsync(reinterpret_cast<void**>(&device), kCount * 4, stream.get()), "words");
    compute::launch_fill_words({device, kCount}, 9, stream.get());
    std::vector<std::uint32_t> gpu(kCount), cpu(kCount);
    CUVK_CUDA(cudaMemcpyAsync(gpu.data(), device, kCount * 4, cudaMemcpyDeviceToHost, stream.get()), "words");
    CUVK_CUDA(cudaFreeAsync(device, stream.get()), "words");
    compute::synchronize(stream.get(), "test");
    compute::fill_words_cpu({cpu.data(), kCount}, 9);
    EXPECT_EQ(gpu, cpu);
}

TEST(PatternKernel, Rgba8SurfaceMatchesTheCpuReferenceAtAnOddSize) {
    if (auto why = cuda_skip_reason(); !why.empty())
        GTEST_SKIP() << why;
    const core::Extent2D extent{1001, 701};
    auto stream = compute::create_stream("test");
    const cudaChannelFormatDesc format = cudaCreateChannelDesc(8, 8, 8, 8, cudaChannelFormatKindUnsigned);
    cudaArray_t array = nullptr;
    CUVK_CUDA(cudaMallocArray(&array, &format, extent.width, extent.height, cudaArraySurfaceLoadStore), "array");
    cudaResourceDesc resource{};
    resource.resType = cudaResourceTypeArray;
    resource.res.array.array = array;
    cudaSurfaceObject_t surface = 0;
    CUVK_CUDA(cudaCreateSurfaceObject(&surface, &resource), "surface");
    compute::launch_fill_rgba8({surface, extent}, 11, stream.get());
    std::vector<std::uint32_t> gpu(extent.pixels());
    CUVK_CUDA(cudaMemcpy2DFromArrayAsync(gpu.data(), extent.width * 4, array, 0, 0, extent.width * 4, extent.height,
                                         cudaMemcpyDeviceToHost, stream.get()),
              "array");
    compute::synchronize(stream.get(), "test");
    CUVK_CUDA(cudaDestroySurfaceObject(surface), "surface");
    CUVK_CUDA(cudaFreeArray(array), "array");
    EXPECT_EQ(gpu, compute::expected_rgba8(extent, 11));
}

TEST(CudaCheck, NamesTheErrorAndTheObject) {
    try {
        compute::check_cuda(cudaErrorInvalidValue, "cudaMemcpy(dst, src, n, kind)", "gray-scott.state");
        FAIL() << "no exception";
    } catch (const core::Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("cudaMemcpy(cudaErrorInvalidValue)"), std::string::npos) << what;
        EXPECT_NE(what.find("[gray-scott.state]"), std::string::npos) << what;
        EXPECT_EQ(e.api(), core::Api::cuda);
    }
}
