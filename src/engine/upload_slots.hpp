#pragma once
// The Vulkan side of the staging and cpu backends: per ring slot, a device-local image (all mip levels) or vertex
// buffer that is drawn, and a host-visible staging buffer the producer fills (mip levels tightly packed one after
// another). record_upload() copies staging → resource with the barriers around it.
// Owns its images and buffers; the Context outlives it.

#include "cuvk/render/buffer.hpp"
#include "producer.hpp"

#include <span>
#include <vector>

namespace cuvk::engine {

class UploadSlots {
public:
    UploadSlots() = default;
    // Slots for `output`, read by the draw at draw_read_scope(output.kind).
    static UploadSlots create(const render::Context& ctx, const compute::OutputSpec& output, std::uint32_t slots,
                              const std::string& name);

    const SlotOutput& slot(std::uint32_t s) const { return outputs_.at(s); }
    std::span<std::byte> staging(std::uint32_t s) const { return staging_.at(s).mapped(); }
    // Views of the staging buffer, one per mip level, for compute::HostOutput.
    const std::vector<compute::PitchedView<std::byte>>& host_levels(std::uint32_t s) const { return levels_.at(s); }
    void record_upload(VkCommandBuffer cmd, std::uint32_t s) const;

private:
    compute::OutputSpec output_;
    StageScope read_;
    // Creation order per slot: drawn resource, then staging.
    std::vector<render::Image> images_;
    std::vector<render::Buffer> vertex_buffers_;
    std::vector<render::Buffer> staging_;
    std::vector<SlotOutput> outputs_;
    std::vector<std::vector<compute::PitchedView<std::byte>>> levels_;
};

} // namespace cuvk::engine
