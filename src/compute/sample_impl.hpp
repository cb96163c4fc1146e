#pragma once
// Internal to compute: how a built-in sample is written. Each has a CUDA implementation and a CPU reference that
// share one .cuh of __host__ __device__ math and agree within the sample's tolerance, and one SampleDef that
// builtins.cpp turns into a public compute::Simulation. No Vulkan here: outputs are views.

#include "cuvk/compute/simulation.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace cuvk::compute {

// Where a CUDA step writes: one surface per mip level (image), or a device pointer to vertex_count vertices; and how
// many steps the frame advances first (FrameContext::steps).
struct DeviceOutput {
    std::span<const SurfaceView> levels;
    void* vertices = nullptr;
    std::uint32_t steps = 1;
};

// Where a CPU step writes: one host view per mip level (rows of extent.width texels; RGBA8 = one uint32 per texel
// with R in the low byte, RGBA16F = four IEEE half floats per texel), or host memory for vertex_count vertices; and
// how many steps the frame advances first (FrameContext::steps).
struct HostOutput {
    std::span<const PitchedView<std::byte>> levels;
    void* vertices = nullptr;
    std::uint32_t steps = 1;
};

// How both implementations of a sample step (the contract FrameContext::steps states): a frame first applies the
// pointer events queued since the last frame, in arrival order, then advances the state out.steps steps (0: not at
// all), then writes its outputs from the state alone. So a frame with steps == 0 writes what the frame before it
// wrote (unless a pointer event changed the state), and one frame of N steps writes what the last of N frames of
// one step would have. A counter that the output or the forcing depends on advances by one per step.

// The CPU reference: deterministic, single-threaded; frame k of it matches frame k of the CUDA implementation.
class CpuSimulation {
public:
    virtual ~CpuSimulation() = default;
    virtual void step(const HostOutput& out) = 0; // apply the queued pointer events, advance out.steps, write
    // Queues a pointer event for the next step(); the default ignores it (the sample does not take pointer input).
    virtual void pointer(const PointerEvent& event) { (void)event; }
};

// The CUDA implementation. State lives in stream-ordered memory of its own; step() only enqueues work on the stream
// it was created with and never synchronizes. The owner synchronizes the stream before destroying it.
class CudaSimulation {
public:
    virtual ~CudaSimulation() = default;
    virtual void step(const DeviceOutput& out) = 0; // enqueue one frame: queued pointer events, out.steps, write
    // Queues a pointer event for the next step() (host only: nothing is enqueued); the default ignores it.
    virtual void pointer(const PointerEvent& event) { (void)event; }
};

// One built-in sample, declared once. make_cuda is null in builds without CUDA.
struct SampleDef {
    std::string_view name;
    std::string_view description; // one line
    std::span<const ParamSpec> params;
    Tolerance tolerance;
    OutputSpec (*output)(const SimulationInfo&) = nullptr;
    std::unique_ptr<CpuSimulation> (*make_cpu)(const SimulationInfo&) = nullptr;
    std::unique_ptr<CudaSimulation> (*make_cuda)(const SimulationInfo&, CudaStream) = nullptr;
};

} // namespace cuvk::compute
