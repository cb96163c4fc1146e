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

// What the cpu and staging backends share: each output's UploadSlots, copied into the drawn resources in
// record_acquire(), no semaphores (the host paces them: they write host memory Vulkan reads), and the simulation
// called on the producing thread. Derived producers fill the staging memory in produce().
class UploadProducer : public Producer {
public:
    UploadProducer(const render::Context& ctx, const ProducerInfo& info) : ctx_(ctx), info_(info) { make_uploads(); }

    const SlotOutput& slot(std::uint32_t s, std::size_t output) const override { return uploads_.at(output).slot(s); }
    bool writes_host_memory() const override { return true; }
    void add_waits(std::span<const std::uint32_t>, core::TimelineValue,
                   std::vector<render::SemaphoreSubmit>&) const override {}
    void add_signals(std::span<const std::uint32_t>, core::TimelineValue,
                     std::vector<render::SemaphoreSubmit>&) const override {}
    void record_acquire(VkCommandBuffer cmd, std::uint32_t s) const override {
        for (const auto& u : uploads_)
            u.record_upload(cmd, s);
    }
    void record_release(VkCommandBuffer, std::uint32_t) const override {}
    void params_changed(std::span<const float> params) override { info_.simulation->on_params_changed(params); }
    void pointer(const compute::PointerEvent& event) override { info_.simulation->on_pointer(event); }

protected:
    // (Re-)creates every output's slots for info_.outputs.
    void make_uploads();

    const render::Context& ctx_;
    ProducerInfo info_;
    std::vector<UploadSlots> uploads_; // per output
};

} // namespace cuvk::engine
