// The cpu backend: the simulation's CPU implementation writes straight into the slot's host-visible staging buffer;
// Vulkan copies it into the drawn resource. Runs anywhere Vulkan does (lavapipe in CI).

#include "producer.hpp"
#include "upload_slots.hpp"

#include <chrono>

namespace cuvk::engine {
namespace {

class CpuProducer final : public Producer {
public:
    CpuProducer(const render::Context& ctx, const ProducerInfo& info)
        : info_(info), slots_(UploadSlots::create(ctx, info)), times_(2 * info.slots, 0.0) {
        info.simulation->start(info.start, nullptr);
    }

    ~CpuProducer() override { info_.simulation->stop(); }

    const SlotOutput& slot(std::uint32_t s) const override { return slots_.slot(s); }
    bool writes_host_memory() const override { return true; }

    void produce(const Handoff& h) override {
        const auto start = std::chrono::steady_clock::now();
        const compute::OutputView view{.spec = info_.output,
                                       .host_levels = slots_.host_levels(h.slot),
                                       .host_vertices = slots_.staging(h.slot).data()};
        compute::FrameContext frame{
            .frame = h.frame, .time = h.time, .params = h.params, .outputs = {&view, 1}};
        info_.simulation->step(frame);
        times_[h.frame.value % times_.size()] =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    }

    void add_waits(std::span<const std::uint32_t>, core::TimelineValue,
                   std::vector<render::SemaphoreSubmit>&) const override {}
    void add_signals(std::span<const std::uint32_t>, core::TimelineValue,
                     std::vector<render::SemaphoreSubmit>&) const override {}
    void record_acquire(VkCommandBuffer cmd, std::uint32_t s) const override { slots_.record_upload(cmd, s); }
    void record_release(VkCommandBuffer, std::uint32_t) const override {}
    std::optional<double> simulation_ms(core::FrameIndex k) override { return times_[k.value % times_.size()]; }
    void params_changed(std::span<const float> params) override { info_.simulation->on_params_changed(params); }
    void finish() override {}

private:
    ProducerInfo info_;
    UploadSlots slots_;
    std::vector<double> times_; // host ms per frame, the last 2N frames
};

} // namespace

std::unique_ptr<Producer> make_cpu_producer(const render::Context& ctx, const ProducerInfo& info) {
    return std::make_unique<CpuProducer>(ctx, info);
}

} // namespace cuvk::engine
