#include "cuvk/compute/check.hpp"
#include "cuvk/compute/device_memory.hpp"
#include "cuvk/compute/handles.hpp"
#include "cuvk/compute/launch.cuh"
#include "gray_scott.cuh"
#include "gray_scott.hpp"
#include "stroke_queue.hpp"

#include <array>
#include <string>
#include <surface_indirect_functions.h>

namespace cuvk::compute {
namespace {

using gray_scott::Cell;

const dim3 kBlock(16, 16);

__global__ void init_kernel(Cell* cells, core::Extent2D extent, std::uint32_t seed) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= extent.width || y >= extent.height)
        return;
    cells[std::size_t(y) * extent.width + x] = gray_scott::initial_cell(x, y, extent, seed);
}

__global__ void substep_kernel(const Cell* __restrict__ src, Cell* __restrict__ dst, core::Extent2D extent,
                               gray_scott::Params params) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= extent.width || y >= extent.height)
        return;
    dst[std::size_t(y) * extent.width + x] = gray_scott::react_diffuse(src, extent, x, y, params);
}

// In place over the stroke's box: a cell reads and writes only itself.
__global__ void brush_kernel(Cell* cells, core::Extent2D extent, Stroke stroke) {
    const std::uint32_t x = stroke.left + blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t y = stroke.top + blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= stroke.right || y >= stroke.bottom)
        return;
    Cell& cell = cells[std::size_t(y) * extent.width + x];
    cell = gray_scott::brushed(cell, stroke, x, y);
}

__global__ void colourize_kernel(const Cell* __restrict__ cells, SurfaceView out) {
    const std::uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const std::uint32_t y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= out.extent.width || y >= out.extent.height)
        return;
    // surf2Dwrite's x is in bytes.
    surf2Dwrite(gray_scott::rgba8(cells[std::size_t(y) * out.extent.width + x]), out.surface,
                int(x * sizeof(std::uint32_t)), int(y));
}

// Two cell buffers in ping-pong. A step's `substeps` Euler steps are captured once into a CUDA graph per buffer a
// step can start from (only buffer 0 when the count is even, both when it is odd) and replayed with one
// cudaGraphLaunch per step (none when the frame takes no step); the colourize kernel stays outside the graph because
// its surface changes per frame.
// Owns its memory and graphs; `stream` belongs to the caller, outlives this object and is synchronized by the owner
// before destruction (SampleDef contract).
class GrayScottCuda final : public CudaSimulation {
public:
    GrayScottCuda(const SimulationInfo& info, cudaStream_t stream)
        : stream_(stream), extent_(info.extent), params_(gray_scott::params_from(info.params)),
          substeps_(gray_scott::substeps_from(info.params)), strokes_(extent_) {
        CUVK_ASSERT(!extent_.empty(), "gray-scott needs a non-empty extent");
        const std::size_t bytes = extent_.pixels() * sizeof(Cell);
        for (int i = 0; i < 2; ++i)
            cells_[i] = allocate_async(bytes, stream_, "gray-scott.cells[" + std::to_string(i) + "]");
        init_kernel<<<grid_for(extent_, kBlock), kBlock, 0, stream_>>>(as<Cell>(cells_[0]), extent_, info.seed);
        CUVK_CUDA_LAUNCH("gray_scott::init_kernel");
        capture(0);
        if (substeps_ % 2 == 1)
            capture(1);
    }

    void step(const DeviceOutput& out) override {
        CUVK_ASSERT(!out.levels.empty() && out.levels[0].extent == extent_,
                    "gray-scott writes one RGBA8 level of the simulation's extent");
        for (const Stroke& stroke : strokes_.take()) { // one small launch per stroke, in arrival order
            brush_kernel<<<grid_for(stroke.box(), kBlock), kBlock, 0, stream_>>>(as<Cell>(cells_[current_]), extent_,
                                                                                 stroke);
            CUVK_CUDA_LAUNCH("gray_scott::brush_kernel");
        }
        for (std::uint32_t i = 0; i < out.steps; ++i) {
            CUVK_CUDA(cudaGraphLaunch(execs_[current_].get(), stream_), "gray-scott.substeps");
            current_ ^= int(substeps_ % 2); // an odd count ends in the other buffer: the next step starts there
        }
        colourize_kernel<<<grid_for(extent_, kBlock), kBlock, 0, stream_>>>(as<Cell>(cells_[current_]), out.levels[0]);
        CUVK_CUDA_LAUNCH("gray_scott::colourize_kernel");
    }

    void pointer(const PointerEvent& event) override { strokes_.push(event); }

private:
    // Records `substeps_` launches on stream_, starting from buffer `first`, into graphs_[first] and instantiates
    // it. Thread-local capture mode: only this thread's unsafe calls would invalidate it, other threads are free.
    void capture(int first) {
        const char* name = "gray-scott.substeps";
        CUVK_CUDA(cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal), name);
        try {
            for (std::uint32_t i = 0; i < substeps_; ++i) {
                const int src = (first + int(i)) % 2;
                substep_kernel<<<grid_for(extent_, kBlock), kBlock, 0, stream_>>>(
                    as<Cell>(cells_[src]), as<Cell>(cells_[1 - src]), extent_, params_);
                CUVK_CUDA_LAUNCH("gray_scott::substep_kernel");
            }
        } catch (...) {
            // End the broken capture so the stream is usable again; the partial graph (if any) is discarded.
            cudaGraph_t partial = nullptr;
            (void)cudaStreamEndCapture(stream_, &partial);
            UniqueGraph discard(partial);
            throw;
        }
        cudaGraph_t graph = nullptr;
        CUVK_CUDA(cudaStreamEndCapture(stream_, &graph), name);
        graphs_[first] = UniqueGraph(graph);
        cudaGraphExec_t exec = nullptr;
        CUVK_CUDA(cudaGraphInstantiate(&exec, graph, 0), name);
        execs_[first] = UniqueGraphExec(exec);
    }

    cudaStream_t stream_;
    core::Extent2D extent_;
    gray_scott::Params params_;
    std::uint32_t substeps_;
    StrokeQueue strokes_; // painted into the state at the start of the next step()
    // Declared in creation order, destroyed in reverse: the graph instances, then the graphs, then the buffers they
    // name (freed stream-ordered on stream_).
    std::array<DeviceMemory, 2> cells_;
    std::array<UniqueGraph, 2> graphs_;
    std::array<UniqueGraphExec, 2> execs_;
    int current_ = 0; // the buffer that holds the state
};

} // namespace

std::unique_ptr<CudaSimulation> make_gray_scott_cuda(const SimulationInfo& info, cudaStream_t stream) {
    return std::make_unique<GrayScottCuda>(info, stream);
}

} // namespace cuvk::compute
