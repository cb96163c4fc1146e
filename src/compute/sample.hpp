#pragma once
// The sample interface of compute: what a sample declares once (name, description, parameters, output) and the two
// implementations every sample has — a CUDA simulation and a CPU reference — which share one .cuh of
// __host__ __device__ math and agree within the sample's stated tolerance. No Vulkan here: outputs are views.

#include "compute/views.hpp"
#include "core/types.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#if defined(CUVK_HAS_CUDA)
#include <driver_types.h>
#endif

namespace cuvk::compute {

struct ParamSpec {
    std::string_view name;  // CLI: --set name=value
    float value = 0.0f;     // default
    float min = 0.0f;
    float max = 1.0f;
    std::string_view help;  // one line
    bool integer = false;   // shown and parsed as an integer
};

enum class PixelFormat { rgba8, rgba16f };
enum class OutputKind {
    image,  // drawn by the compute compositor (trilinear when it has mip levels)
    points, // PointVertex buffer, drawn as points with additive blending
    mesh,   // MeshVertex grid, drawn as a lit triangle mesh under an orbit camera
};

// What one frame of a sample writes; fixed for the life of a simulation.
struct OutputSpec {
    OutputKind kind = OutputKind::image;
    core::Extent2D extent;                   // image: size of level 0
    PixelFormat format = PixelFormat::rgba8; // image only
    std::uint32_t mip_levels = 1;            // image only
    float display_lod = 0.0f;                // image only: level of detail the compositor samples
    std::size_t vertex_count = 0;            // points: particles; mesh: grid.width * grid.height
    core::Extent2D grid;                     // mesh only: vertices per row, rows
};

// Vertex layouts shared with the render pipelines (16-byte aligned, tightly packed).
struct PointVertex {
    float x, y, z;     // position in [-1, 1]^3
    std::uint32_t rgba; // colour, RGBA8 with R in the low byte
};
struct MeshVertex {
    float px, py, pz, pad0; // position: x, z in [-1, 1], y is the height
    float nx, ny, nz, pad1; // unit normal
};
static_assert(sizeof(PointVertex) == 16 && sizeof(MeshVertex) == 32);

// Where a CUDA step writes: one surface per mip level (image), or a device pointer to vertex_count vertices.
struct DeviceOutput {
    std::span<const SurfaceView> levels;
    void* vertices = nullptr;
};

// Where a CPU step writes: one host view per mip level (rows of extent.width texels; RGBA8 = one uint32 per texel
// with R in the low byte, RGBA16F = four IEEE half floats per texel), or host memory for vertex_count vertices.
struct HostOutput {
    std::span<const PitchedView<std::byte>> levels;
    void* vertices = nullptr;
};

struct SimulationInfo {
    core::Extent2D extent;         // the size the sample is displayed at
    std::span<const float> params; // one value per ParamSpec, declaration order, already within [min, max]
    std::uint32_t seed = 1;        // everything random derives from it: same seed, same frames
};

// The CPU reference: deterministic, single-threaded is fine; frame k of it matches frame k of the CUDA simulation.
class CpuSimulation {
public:
    virtual ~CpuSimulation() = default;
    virtual void step(const HostOutput& out) = 0; // advance one frame and write it
};

#if defined(CUVK_HAS_CUDA)
// The CUDA simulation. State lives in stream-ordered memory of its own; step() only enqueues work on `stream`
// (the stream it was created with) and never synchronizes. The owner synchronizes the stream before destroying it.
class Simulation {
public:
    virtual ~Simulation() = default;
    virtual void step(const DeviceOutput& out) = 0; // enqueue one frame: advance and write
};
#endif

// How close the CUDA output must be to the CPU reference after rendering to RGBA8.
struct Tolerance {
    int per_channel = 0;           // largest allowed difference of one channel
    double max_bad_fraction = 0.0; // fraction of pixels allowed beyond per_channel
};

struct SampleSpec {
    std::string_view name;
    std::string_view description; // one line
    std::span<const ParamSpec> params;
    Tolerance tolerance;
    OutputSpec (*output)(const SimulationInfo&) = nullptr;
    std::unique_ptr<CpuSimulation> (*make_cpu)(const SimulationInfo&) = nullptr;
#if defined(CUVK_HAS_CUDA)
    std::unique_ptr<Simulation> (*make_cuda)(const SimulationInfo&, cudaStream_t) = nullptr;
#endif
};

} // namespace cuvk::compute
