#pragma once
// A backend's side of the frame ring (internal to the engine): it makes frame k's output available to Vulkan in
// ring slot s, and tells the runner what the Vulkan submission that draws it must wait for and signal.
//
// The runner calls, per frame: produce(k, s) after frame k-N has retired on the host; then, per batch of frames
// [first, last], before_submit() (host waits, if the backend needs any) and signals(); and, while recording each
// frame's command buffer, record_before_draw(s) / record_after_draw(s) around the draw.

#include "compute/sample.hpp"
#include "engine/backend.hpp"
#include "render/buffer.hpp"
#include "render/commands.hpp"
#include "render/image.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace cuvk::engine {

// What Vulkan draws from a slot: an image (with all its mip levels) or a vertex buffer.
struct SlotOutput {
    const render::Image* image = nullptr;
    VkBuffer vertices = VK_NULL_HANDLE;
};

struct ProducerInfo {
    const compute::SampleSpec* sample = nullptr;
    compute::SimulationInfo simulation;
    compute::OutputSpec output;
    std::uint32_t slots = 3;
    SyncMode sync = SyncMode::timeline;
    std::optional<int> cuda_device;  // force this CUDA ordinal for the display GPU (must be the Vulkan device's)
    bool split = false;              // interop only: simulate on another GPU and copy peer-to-peer (split mode)
    std::optional<int> sim_device;   // split: the simulating CUDA ordinal (default: the first other GPU)
    // Stage and access at which the draw reads a slot's output.
    VkPipelineStageFlags2 read_stage = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT;
    VkAccessFlags2 read_access = VK_ACCESS_2_SHADER_SAMPLED_READ_BIT;
};

class Producer {
public:
    virtual ~Producer() = default;
    virtual const SlotOutput& slot(std::uint32_t s) const = 0;
    virtual void produce(std::uint64_t k, std::uint32_t s) = 0;
    virtual std::vector<render::SemaphoreSubmit> before_submit(std::uint64_t first, std::uint64_t last) = 0;
    virtual std::vector<render::SemaphoreSubmit> signals(std::uint64_t first, std::uint64_t last) = 0;
    virtual void record_before_draw(VkCommandBuffer cmd, std::uint32_t s) const = 0;
    virtual void record_after_draw(VkCommandBuffer cmd, std::uint32_t s) const = 0;
    // Simulation time of the frame last produced into slot s, once it has retired (CUDA events, or host time).
    virtual std::optional<double> simulation_ms(std::uint32_t s) = 0;
    // Waits for all CUDA work (teardown, and before reading results); a no-op for the cpu backend.
    virtual void finish() = 0;
    // One line on how the backend runs here (e.g. whether staging memory could be registered), for reports.
    virtual std::string describe() const { return {}; }
};

std::unique_ptr<Producer> make_cpu_producer(const render::Context& ctx, const ProducerInfo& info);
// Both throw when cuvk was built without CUDA, or when no CUDA device matches the Vulkan device.
std::unique_ptr<Producer> make_interop_producer(const render::Context& ctx, const ProducerInfo& info);
std::unique_ptr<Producer> make_staging_producer(const render::Context& ctx, const ProducerInfo& info);

// Vulkan format of a sample's image output.
VkFormat vk_format(compute::PixelFormat format);
// Bytes of one frame's output as the host sees it (all mip levels tightly packed, or all vertices).
std::size_t output_bytes(const compute::OutputSpec& output);
// Extent of mip level `level` of the output.
core::Extent2D level_extent(const compute::OutputSpec& output, std::uint32_t level);

} // namespace cuvk::engine
