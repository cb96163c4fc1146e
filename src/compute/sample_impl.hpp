#pragma once
// Internal to compute: how a built-in sample is written. Each has a CUDA implementation and a CPU reference that
// share one .cuh of __host__ __device__ math and agree within the sample's tolerance, and one SampleDef that
// builtins.cpp turns into a public compute::Simulation. No Vulkan here: outputs are views.

#include "cuvk/compute/simulation.hpp"

#include <memory>
#include <span>
#include <string_view>

namespace cuvk::compute {

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

// The CPU reference: deterministic, single-threaded; frame k of it matches frame k of the CUDA implementation.
class CpuSimulation {
public:
    virtual ~CpuSimulation() = default;
    virtual void step(const HostOutput& out) = 0; // advance one frame and write it
};

// The CUDA implementation. State lives in stream-ordered memory of its own; step() only enqueues work on the stream
// it was created with and never synchronizes. The owner synchronizes the stream before destroying it.
class CudaSimulation {
public:
    virtual ~CudaSimulation() = default;
    virtual void step(const DeviceOutput& out) = 0; // enqueue one frame: advance and write
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
