#include "cuvk/compute/check.hpp"
#include "cuvk/compute/device_memory.hpp"
#include "cuvk/compute/handles.hpp"
#include "cuvk/compute/launch.cuh"
#include "fluid.cuh"
#include "fluid.hpp"
#include "stroke_queue.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <surface_indirect_functions.h>
#include <texture_indirect_functions.h>

namespace cuvk::compute {
namespace {

using fluid::Dye;
using fluid::Velocity;

// What a pitch-linear texture demands of the memory behind it, queried from the current device (the one the
// simulation's stream belongs to).
struct TextureLimits {
    std::size_t base_alignment = 0;  // cudaDeviceProp::textureAlignment: the texture's base address
    std::size_t pitch_alignment = 0; // cudaDeviceProp::texturePitchAlignment: the row pitch
    std::uint32_t max_width = 0, max_height = 0;
    std::size_t max_pitch = 0;
};

TextureLimits query_texture_limits() {
    int device = 0;
    CUVK_CUDA(cudaGetDevice(&device), "fluid");
    const auto attribute = [device](cudaDeviceAttr which) {
        int value = 0;
        CUVK_CUDA(cudaDeviceGetAttribute(&value, which, device), "fluid");
        return value;
    };
    return {.base_alignment = std::size_t(attribute(cudaDevAttrTextureAlignment)),
            .pitch_alignment = std::size_t(attribute(cudaDevAttrTexturePitchAlignment)),
            .max_width = std::uint32_t(attribute(cudaDevAttrMaxTexture2DLinearWidth)),
            .max_height = std::uint32_t(attribute(cudaDevAttrMaxTexture2DLinearHeight)),
            .max_pitch = std::size_t(attribute(cudaDevAttrMaxTexture2DLinearPitch))};
}

std::size_t round_up(std::size_t value, std::size_t multiple) {
    return (value + multiple - 1) / multiple * multiple;
}

// A pitched field in stream-ordered memory with a texture object that reads it with bilinear filtering.
//
// Why pitch-linear memory (cudaResourceTypePitch2D) rather than a cudaArray: advection writes its result with
// plain stores into the other half of a ping-pong pair, and the next pass fetches it through that half's texture,
// so no copy into an array is ever needed (an array would cost one full-field cudaMemcpy2DToArrayAsync per
// advected field per frame). The price is the texture's layout rules: the pitch is a multiple of
// texturePitchAlignment and the base address a multiple of textureAlignment; cudaMallocAsync promises neither
// the latter, so the allocation is padded and the view starts at the first aligned byte.
// Members in creation order: the texture, which reads the memory, is destroyed first.
template <class T> struct TexturedField {
    DeviceMemory memory;
    PitchedView<T> view;
    UniqueTexture texture;
};

template <class T>
TexturedField<T> make_textured_field(core::Extent2D extent, const TextureLimits& limits, cudaStream_t stream,
                                     const std::string& name) {
    static_assert(sizeof(T) == 8 || sizeof(T) == 16, "float2 or float4 texels");
    const std::size_t pitch = round_up(extent.width * sizeof(T), limits.pitch_alignment);
    if (extent.width > limits.max_width || extent.height > limits.max_height || pitch > limits.max_pitch)
        core::fail("the fluid grid " + core::to_string(extent) +
                       " exceeds this device's pitch-linear texture limits (" + std::to_string(limits.max_width) + "x" +
                       std::to_string(limits.max_height) + ", pitch " + std::to_string(limits.max_pitch) + " bytes)",
                   name);
    const std::size_t bytes = pitch * extent.height;
    TexturedField<T> field;
    field.memory = allocate_async(bytes + limits.base_alignment, stream, name);
    const auto base = reinterpret_cast<std::uintptr_t>(field.memory.get());
    const std::size_t offset = round_up(base, limits.base_alignment) - base;
    field.view = {reinterpret_cast<T*>(static_cast<char*>(field.memory.get()) + offset), extent, pitch};
    CUVK_CUDA(cudaMemsetAsync(field.view.data, 0, bytes, stream), name);

    cudaResourceDesc resource{};
    resource.resType = cudaResourceTypePitch2D;
    resource.res.pitch2D.devPtr = field.view.data;
    resource.res.pitch2D.desc = sizeof(T) == 8 ? cudaCreateChannelDesc(32, 32, 0, 0, cudaChannelFormatKindFloat)
                                               : cudaCreateChannelDesc(32, 32, 32, 32, cudaChannelFormatKindFloat);
    resource.res.pitch2D.width = extent.width;
    resource.res.pitch2D.height = extent.height;
    resource.res.pitch2D.pitchInBytes = pitch;
    cudaTextureDesc sampling{};
    sampling.addressMode[0] = cudaAddressModeClamp;
    sampling.addressMode[1] = cudaAddressModeClamp;
    sampling.filterMode = cudaFilterModeLinear;
    sampling.readMode = cudaReadModeElementType;
    sampling.normalizedCoords = 0;
    cudaTextureObject_t texture = 0;
    CUVK_CUDA(cudaCreateTextureObject(&texture, &resource, &sampling, nullptr), name);
    field.texture = UniqueTexture(texture);
    return field;
}

template <class T> PitchedView<const T> as_const(PitchedView<T> v) {
    return {v.data, v.extent, v.pitch};
}

const dim3 kBlock(16, 16);

// Every kernel: one thread per cell, bounds-checked against the grid, the cell's math in fluid.cuh.

__global__ void advect_velocity_kernel(cudaTextureObject_t source, PitchedView<const Velocity> velocity,
                                       PitchedView<Velocity> out, fluid::Params params, fluid::Forcing forcing) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= out.extent.width || y >= out.extent.height)
        return;
    const fluid::Point q = fluid::backtrace(x, y, fluid::at(velocity, x, y), params.dt);
    const float2 sample = tex2D<float2>(source, q.x, q.y);
    fluid::at(out, x, y) = fluid::force_velocity({sample.x, sample.y}, x, y, params, forcing);
}

__global__ void divergence_kernel(PitchedView<const Velocity> velocity, PitchedView<float> out) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= out.extent.width || y >= out.extent.height)
        return;
    fluid::at(out, x, y) = fluid::divergence(velocity, x, y);
}

__global__ void jacobi_kernel(PitchedView<const float> pressure, PitchedView<const float> divergence,
                              PitchedView<float> out) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= out.extent.width || y >= out.extent.height)
        return;
    fluid::at(out, x, y) = fluid::jacobi(pressure, divergence, x, y);
}

// In place: a cell reads only its own velocity and the pressure.
__global__ void project_kernel(PitchedView<const float> pressure, PitchedView<Velocity> velocity) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= velocity.extent.width || y >= velocity.extent.height)
        return;
    fluid::at(velocity, x, y) = fluid::project(fluid::at(velocity, x, y), pressure, x, y);
}

__global__ void advect_dye_kernel(cudaTextureObject_t source, PitchedView<const Velocity> velocity,
                                  PitchedView<Dye> out, fluid::Params params, fluid::Forcing forcing) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= out.extent.width || y >= out.extent.height)
        return;
    const fluid::Point q = fluid::backtrace(x, y, fluid::at(velocity, x, y), params.dt);
    const float4 sample = tex2D<float4>(source, q.x, q.y);
    fluid::at(out, x, y) = fluid::force_dye({sample.x, sample.y, sample.z, sample.w}, x, y, params, forcing);
}

// In place over the stroke's box: a cell reads and writes only its own velocity and dye.
__global__ void brush_kernel(PitchedView<Velocity> velocity, PitchedView<Dye> dye, Stroke stroke,
                             fluid::Params params) {
    const std::uint32_t x = stroke.left + blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t y = stroke.top + blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= stroke.right || y >= stroke.bottom)
        return;
    fluid::at(velocity, x, y) = fluid::brushed_velocity(fluid::at(velocity, x, y), stroke, x, y, params);
    fluid::at(dye, x, y) = fluid::brushed_dye(fluid::at(dye, x, y), stroke, x, y);
}

__global__ void colourize_kernel(PitchedView<const Dye> dye, SurfaceView out) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= out.extent.width || y >= out.extent.height)
        return;
    const fluid::Half4 c = fluid::rgba16f(fluid::at(dye, x, y));
    // surf2Dwrite's x is in bytes: 8 per RGBA16F texel.
    surf2Dwrite(make_ushort4(c.r, c.g, c.b, c.a), out.surface, int(x * sizeof(ushort4)), int(y));
}

// The CUDA fluid: ping-pong pairs of velocity, dye (both textured) and pressure, and the divergence. Owns its
// memory and texture objects; `stream` belongs to the caller, outlives this object and is synchronized by the
// owner before destruction (SampleDef contract). step() enqueues 5 + iterations kernels and never waits.
class FluidCuda final : public CudaSimulation {
public:
    FluidCuda(const SimulationInfo& info, cudaStream_t stream)
        : stream_(stream), extent_(info.extent), params_(fluid::params_from(info.params)), seed_(info.seed),
          strokes_(extent_) {
        CUVK_ASSERT(!extent_.empty(), "fluid needs a non-empty extent");
        const TextureLimits limits = query_texture_limits();
        for (int i = 0; i < 2; ++i) {
            const std::string half = "[" + std::to_string(i) + "]";
            velocity_[i] = make_textured_field<Velocity>(extent_, limits, stream_, "fluid.velocity" + half);
            dye_[i] = make_textured_field<Dye>(extent_, limits, stream_, "fluid.dye" + half);
            pressure_memory_[i] = allocate_async(extent_.pixels() * sizeof(float), stream_, "fluid.pressure" + half);
            pressure_[i] = {as<float>(pressure_memory_[i]), extent_, extent_.width * sizeof(float)};
            CUVK_CUDA(cudaMemsetAsync(pressure_[i].data, 0, extent_.pixels() * sizeof(float), stream_),
                      "fluid.pressure" + half);
        }
        divergence_memory_ = allocate_async(extent_.pixels() * sizeof(float), stream_, "fluid.divergence");
        divergence_ = {as<float>(divergence_memory_), extent_, extent_.width * sizeof(float)};
    }

    void step(const DeviceOutput& out) override {
        CUVK_ASSERT(!out.levels.empty() && out.levels[0].extent == extent_,
                    "fluid writes one RGBA16F level of the simulation's extent");
        for (const Stroke& stroke : strokes_.take()) { // one small launch per stroke, in arrival order
            brush_kernel<<<grid_for(stroke.box(), kBlock), kBlock, 0, stream_>>>(velocity_[v_].view, dye_[d_].view,
                                                                                 stroke, params_);
            CUVK_CUDA_LAUNCH("fluid::brush_kernel");
        }
        for (std::uint32_t i = 0; i < out.steps; ++i)
            advance();
        colourize_kernel<<<grid_for(extent_, kBlock), kBlock, 0, stream_>>>(as_const(dye_[d_].view), out.levels[0]);
        CUVK_CUDA_LAUNCH("fluid::colourize_kernel");
    }

    void pointer(const PointerEvent& event) override { strokes_.push(event); }

private:
    // One step: the passes of fluid.cuh with the jets of step frame_, enqueued on stream_.
    void advance() {
        const fluid::Forcing forcing = fluid::forcing_for(params_, extent_, seed_, frame_);
        const dim3 grid = grid_for(extent_, kBlock);

        advect_velocity_kernel<<<grid, kBlock, 0, stream_>>>(velocity_[v_].texture.get(), as_const(velocity_[v_].view),
                                                             velocity_[1 - v_].view, params_, forcing);
        CUVK_CUDA_LAUNCH("fluid::advect_velocity_kernel");
        v_ = 1 - v_;

        divergence_kernel<<<grid, kBlock, 0, stream_>>>(as_const(velocity_[v_].view), divergence_);
        CUVK_CUDA_LAUNCH("fluid::divergence_kernel");
        for (std::uint32_t i = 0; i < params_.iterations; ++i) {
            jacobi_kernel<<<grid, kBlock, 0, stream_>>>(as_const(pressure_[p_]), as_const(divergence_),
                                                        pressure_[1 - p_]);
            CUVK_CUDA_LAUNCH("fluid::jacobi_kernel");
            p_ = 1 - p_;
        }
        project_kernel<<<grid, kBlock, 0, stream_>>>(as_const(pressure_[p_]), velocity_[v_].view);
        CUVK_CUDA_LAUNCH("fluid::project_kernel");

        advect_dye_kernel<<<grid, kBlock, 0, stream_>>>(dye_[d_].texture.get(), as_const(velocity_[v_].view),
                                                        dye_[1 - d_].view, params_, forcing);
        CUVK_CUDA_LAUNCH("fluid::advect_dye_kernel");
        d_ = 1 - d_;
        ++frame_;
    }

    cudaStream_t stream_;
    core::Extent2D extent_;
    fluid::Params params_;
    std::uint32_t seed_;
    std::uint64_t frame_ = 0; // steps taken: the jets' clock
    StrokeQueue strokes_;     // applied to the state at the start of the next step()
    // Ping-pong pairs; v_, p_, d_ name the half that holds the state. Each owner frees its memory stream-ordered
    // on stream_ (its texture object first).
    std::array<TexturedField<Velocity>, 2> velocity_;
    std::array<TexturedField<Dye>, 2> dye_;
    std::array<DeviceMemory, 2> pressure_memory_;
    std::array<PitchedView<float>, 2> pressure_;
    DeviceMemory divergence_memory_;
    PitchedView<float> divergence_;
    int v_ = 0, p_ = 0, d_ = 0;
};

} // namespace

std::unique_ptr<CudaSimulation> make_fluid_cuda(const SimulationInfo& info, cudaStream_t stream) {
    return std::make_unique<FluidCuda>(info, stream);
}

} // namespace cuvk::compute
