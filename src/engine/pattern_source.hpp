#pragma once
// Where the demo's pattern image comes from, per backend: written by CUDA into a shared image (interop) or by the
// CPU reference into host-visible memory copied to an image (cpu). Internal to the engine.

#include "render/commands.hpp"
#include "render/context.hpp"

#include <memory>
#include <vector>

namespace cuvk::engine {

class PatternSource {
public:
    virtual ~PatternSource() = default;
    // The image to sample, in VK_IMAGE_LAYOUT_GENERAL.
    virtual VkImageView view() const = 0;
    // Writes frame `frame` of the pattern; returns what the Vulkan submission that reads it must wait for.
    virtual std::vector<render::SemaphoreSubmit> produce(std::uint32_t frame) = 0;
    // Recorded around the compute shader that samples the image.
    virtual void record_before_read(VkCommandBuffer cmd) const = 0;
    virtual void record_after_read(VkCommandBuffer cmd) const = 0;
};

std::unique_ptr<PatternSource> make_cpu_source(const render::Context& ctx, core::Extent2D extent);
// Throws when cuvk was built without CUDA or no CUDA device matches the Vulkan device.
std::unique_ptr<PatternSource> make_interop_source(const render::Context& ctx, core::Extent2D extent);

} // namespace cuvk::engine
