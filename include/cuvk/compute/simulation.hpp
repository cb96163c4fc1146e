#pragma once
// cuvk::compute::Simulation — the public interface of a simulation that cuvk runs and shows: yours, or one of the
// built-in samples (builtins.hpp).
//
// A simulation is an object with state. It declares once what it is (SimulationDesc: name, description,
// parameters), says what one frame writes (outputs(): images or vertex buffers), creates its state in start() and
// enqueues one frame's work in step(FrameContext&). The frame ring (cuvk/engine/frame_ring.hpp) owns everything
// around it: the slots the outputs live in, the CUDA stream, the semaphores, barriers and teardown.
//
// Threads: every method is called on the thread that drives the ring, never concurrently.
// CUDA: start() and step() receive the ring's CUDA stream; enqueue all work on it and never synchronize it (the
// ring orders it with Vulkan on the GPU). State should live in stream-ordered memory (cudaMallocAsync on that
// stream). stop() must release all of it: the ring synchronizes the stream, calls stop() (also when start() threw),
// synchronizes again and then destroys the stream, so a destructor that still used the stream would be too late.
// CPU: a simulation may also offer a CPU implementation (SimulationDesc::has_cpu); start() then receives a null
// stream and step() host views of host-visible Vulkan memory. It is the reference the CUDA frames are checked
// against, and what runs where no CUDA device matches the Vulkan device.
// Errors: throw cuvk::core::Error (CUVK_CUDA, CUVK_CUDA_LAUNCH); the ring lets it propagate to its caller.
//
// No CUDA or Vulkan header is needed here: CUDA handles appear as the plain types CUDA defines them as, so this
// header, and every type in it, is the same in builds with and without CUDA.

#include "cuvk/compute/views.hpp"
#include "cuvk/core/types.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

struct CUstream_st; // CUDA's stream type: cudaStream_t is CUstream_st*

namespace cuvk::compute {

using CudaStream = CUstream_st*;        // = cudaStream_t
using CudaSurface = unsigned long long; // = cudaSurfaceObject_t
using CudaTexture = unsigned long long; // = cudaTextureObject_t

// One parameter a user can set (--set name=value, the viewer's panel, presets). Values are floats within
// [min, max]; `integer` ones hold whole numbers.
struct ParamSpec {
    std::string name;   // identifier: letters, digits, '-' and '_'
    float value = 0.0f; // default
    float min = 0.0f;
    float max = 1.0f;
    std::string help; // one line
    bool integer = false;
};

// Texel formats of image outputs. Channel order as named; RGBA8/BGRA8 are UNORM, 16F/32F IEEE floats.
enum class PixelFormat { rgba8, bgra8, rgba16f, rgba32f, r32f };
std::size_t bytes_per_texel(PixelFormat format);
const char* to_string(PixelFormat format);

enum class OutputKind {
    image,  // drawn by the compute compositor (trilinear when it has mip levels; R32F as grey)
    points, // PointVertex buffer, drawn as additive points under an orbit camera
    mesh,   // MeshVertex grid, drawn as a lit triangle mesh under an orbit camera
};

// Vertex layouts of vertex-buffer outputs (16-byte aligned, tightly packed).
struct PointVertex {
    float x, y, z;      // position in [-1, 1]^3
    std::uint32_t rgba; // colour, RGBA8 with R in the low byte
};
struct MeshVertex {
    float px, py, pz, pad0; // position: x, z in [-1, 1], y is the height
    float nx, ny, nz, pad1; // unit normal
};
static_assert(sizeof(PointVertex) == 16 && sizeof(MeshVertex) == 32);

// What one output of one frame is; fixed from start() to stop().
struct OutputSpec {
    OutputKind kind = OutputKind::image;
    core::Extent2D extent;                   // image: size of level 0
    PixelFormat format = PixelFormat::rgba8; // image only
    std::uint32_t mip_levels = 1;            // image only: level l is core::mip_extent(extent, l)
    float display_lod = 0.0f;                // image only: level of detail the compositor samples
    // image only: rows of texels in a buffer (pitch = width x bytes per texel, one level) instead of an image, so
    // that CUDA writes it through a plain pointer (OutputView::device_pixels: what PyTorch and CuPy arrays see); the
    // compositor reads it straight from the buffer.
    bool linear = false;
    std::size_t vertex_count = 0; // points: particles; mesh: grid.width * grid.height
    core::Extent2D grid;          // mesh only: vertices per row, rows

    core::Extent2D level_extent(std::uint32_t level) const { return core::mip_extent(extent, level); }
    // Bytes of the output as host memory holds it: every mip level tightly packed one after another, or all vertices.
    std::size_t host_bytes() const;
    // Byte offset of mip level `level` in that packing.
    std::size_t host_level_offset(std::uint32_t level) const;
};

// How close a CUDA frame must be to the CPU reference's frame after drawing to RGBA8.
struct Tolerance {
    int per_channel = 0;           // largest allowed difference of one channel
    double max_bad_fraction = 0.0; // fraction of pixels allowed beyond per_channel
};

// What a simulation is: read by the CLI (--list, --sample, --set), the gallery, the viewer's panel and presets.
struct SimulationDesc {
    std::string name;              // identifier, e.g. "gray-scott"
    std::string description;       // one line
    std::vector<ParamSpec> params; // declaration order is the order of every params span below
    bool has_cuda = true;          // step() runs on a CUDA stream
    bool has_cpu = false;          // step() also runs on the host (stream == nullptr)
    Tolerance tolerance;           // CUDA vs CPU frames (when has_cpu)
};

// A run's settings, handed to outputs() and start().
struct SimulationInfo {
    core::Extent2D extent;         // the size the simulation is displayed at
    std::span<const float> params; // one value per ParamSpec, declaration order, already within [min, max]
    std::uint32_t seed = 1;        // everything random derives from it: same seed, same frames
};

// Where this frame's output goes. CUDA runs fill the device fields, CPU runs the host fields.
struct OutputView {
    OutputSpec spec;
    std::span<const SurfaceView> levels; // CUDA, image: a surface object per mip level (write)
    // CUDA, image: a texture object over every level of the slot, for reading (point-sampled, normalized
    // coordinates, texels as stored): the slot holds what this simulation wrote N frames earlier (undefined before
    // frame N) until this frame writes it; a launch does not see its own surface writes through it. 0 on the CPU.
    CudaTexture texture = 0;
    void* device_vertices = nullptr; // CUDA, vertices: device pointer to vertex_count vertices
    void* device_pixels = nullptr;   // CUDA, linear image: device pointer to its rows (levels/texture are empty)
    std::size_t device_pitch = 0;    // CUDA, linear image: bytes from one row to the next
    std::span<const PitchedView<std::byte>> host_levels; // CPU, image: host rows per mip level
    void* host_vertices = nullptr;                       // CPU, vertices
};

struct FrameContext {
    CudaStream stream = nullptr; // the ring's stream (null: the CPU implementation runs)
    core::FrameIndex frame;      // the ring's frame number: 0, 1, 2, ... (it goes on across resize)
    double time = 0.0;           // simulated seconds: the steps taken so far * the ring's time step
    // How many steps this frame advances the state before writing the outputs: 1 normally, 0 while the viewer is
    // paused (write the current state again), more when a user asks for several steps per displayed frame.
    std::uint32_t steps = 1;
    std::span<const float> params;       // current values, declaration order
    std::span<const OutputView> outputs; // one per OutputSpec, in outputs() order
    const OutputView& output(std::size_t i = 0) const { return outputs[i]; }
};

// Pointer input over the simulation's display (the viewer's mouse), for painting and steering.
struct PointerEvent {
    float x = 0.0f, y = 0.0f;   // position in [0, 1]^2 of the display, y down
    float dx = 0.0f, dy = 0.0f; // motion since the last event, same units
    std::uint32_t buttons = 0;  // bit 0 left, bit 1 right, bit 2 middle
};

class Simulation {
public:
    virtual ~Simulation() = default;
    virtual const SimulationDesc& desc() const = 0;
    // What each frame writes for a run with `info` (1 to 8 outputs); called before start() and before on_resize().
    virtual std::vector<OutputSpec> outputs(const SimulationInfo& info) const = 0;
    // Creates the state for a run: on CUDA enqueued on `stream`, on the host when `stream` is null (has_cpu only).
    virtual void start(const SimulationInfo& info, CudaStream stream) = 0;
    // Enqueues (CUDA) or computes (CPU) one frame: advance and write every output.
    virtual void step(FrameContext& frame) = 0;
    // Releases the state (CUDA: stream-ordered frees on the start() stream); the ring has synchronized the stream
    // and synchronizes it again afterwards. Must leave nothing that needs the stream: the stream dies next.
    virtual void stop() = 0;
    // New parameter values (within range) for the frames that follow. The default does nothing: step() sees them
    // in FrameContext::params.
    virtual void on_params_changed(std::span<const float> params) { (void)params; }
    // The display size changed (FrameRing::resize): the outputs, already re-created for info.extent, are handed to
    // the next step(). The stream is idle. The default starts over at the new size.
    virtual void on_resize(const SimulationInfo& info, CudaStream stream) {
        stop();
        start(info, stream);
    }
    virtual void on_pointer(const PointerEvent& event) { (void)event; }
    // CUDA's context faulted (a kernel trapped or touched memory it must not: `error` names it) and is about to be
    // reset (engine::recover_from_cuda_fault): stop() has run. Release every other CUDA object held (events, graphs,
    // loaded modules) without waiting on the GPU; their errors mean nothing now. start() follows in the new context,
    // on a new stream, and the run starts over from there. The default holds nothing else.
    virtual void on_cuda_lost(const std::string& error) { (void)error; }
};

} // namespace cuvk::compute
