// The micro-benchmarks' kernels (micro_kernels.hpp).

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/launch.cuh"
#include "cuvk/compute/micro_kernels.hpp"
#include "cuvk/core/error.hpp"

namespace cuvk::compute {
namespace {

__global__ void write_words(uint4* p, std::size_t count, std::uint32_t value) {
    const uint4 v{value, value, value, value};
    const std::size_t stride = std::size_t(gridDim.x) * blockDim.x;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride)
        p[i] = v;
}

__global__ void write_surface(cudaSurfaceObject_t surface, std::uint32_t width, std::uint32_t height,
                              std::uint32_t value) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x < width && y < height)
        surf2Dwrite(value, surface, int(x * sizeof(std::uint32_t)), int(y));
}

__global__ void tick(std::uint32_t* counter) {
    *counter += 1;
}

__device__ std::uint64_t global_timer() {
    std::uint64_t t = 0;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

__global__ void stamp(std::uint64_t* out) {
    *out = global_timer();
    __threadfence_system();
}

__global__ void stamp_when_set(const volatile std::uint32_t* flag, std::uint64_t* out) {
    while (*flag == 0) {
    }
    *out = global_timer();
    __threadfence_system();
}

} // namespace

void launch_write_words(void* p, std::size_t bytes, std::uint32_t value, cudaStream_t stream) {
    CUVK_ASSERT(bytes % 16 == 0 && reinterpret_cast<std::uintptr_t>(p) % 16 == 0,
                "launch_write_words: 16-byte aligned, a multiple of 16 bytes");
    int sms = 0, device = 0;
    CUVK_CUDA(cudaGetDevice(&device), "write_words");
    CUVK_CUDA(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "write_words");
    write_words<<<unsigned(sms) * 8, 256, 0, stream>>>(static_cast<uint4*>(p), bytes / 16, value);
    CUVK_CUDA(cudaGetLastError(), "write_words");
}

void launch_write_surface(SurfaceView surface, std::uint32_t value, cudaStream_t stream) {
    const dim3 block(32, 8);
    write_surface<<<grid_for(surface.extent, block), block, 0, stream>>>(surface.surface, surface.extent.width,
                                                                         surface.extent.height, value);
    CUVK_CUDA(cudaGetLastError(), "write_surface");
}

void launch_tick(std::uint32_t* counter, cudaStream_t stream) {
    tick<<<1, 1, 0, stream>>>(counter);
    CUVK_CUDA(cudaGetLastError(), "tick");
}

void launch_stamp(std::uint64_t* out, cudaStream_t stream) {
    stamp<<<1, 1, 0, stream>>>(out);
    CUVK_CUDA(cudaGetLastError(), "stamp");
}

void launch_stamp_when_set(const std::uint32_t* flag, std::uint64_t* out, cudaStream_t stream) {
    stamp_when_set<<<1, 1, 0, stream>>>(flag, out);
    CUVK_CUDA(cudaGetLastError(), "stamp_when_set");
}

} // namespace cuvk::compute
