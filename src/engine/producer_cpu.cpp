// The cpu backend: the simulation's CPU implementation writes straight into the slot's host-visible staging buffer;
// Vulkan copies it into the drawn resource. Runs anywhere Vulkan does (lavapipe in CI).

#include "producer.hpp"
#include "upload_slots.hpp"

#include <chrono>

namespace cuvk::engine {
namespace {

class CpuProducer final : public UploadProducer {
public:
    CpuProducer(const render::Context& ctx, const ProducerInfo& info)
        : UploadProducer(ctx, info), times_(2 * info.slots, 0.0) {
        try {
            info.simulation->start(info.start, nullptr);
        } catch (...) {
            info.simulation->stop();
            throw;
        }
    }

    ~CpuProducer() override { info_.simulation->stop(); }

    void begin_produce(const Handoff& h) override {
        started_ = std::chrono::steady_clock::now();
        std::vector<compute::OutputView> views;
        for (std::size_t o = 0; o < uploads_.size(); ++o)
            views.push_back({.spec = info_.outputs[o],
                             .host_levels = uploads_[o].host_levels(h.slot),
                             .host_vertices = uploads_[o].staging(h.slot).data()});
        compute::FrameContext frame{
            .frame = h.frame, .time = h.time, .steps = h.steps, .params = h.params, .outputs = views};
        info_.simulation->step(frame);
    }
    void end_produce(const Handoff& h) override {
        times_[h.frame.value % times_.size()] =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    }

    std::optional<double> simulation_ms(core::FrameIndex k) override { return times_[k.value % times_.size()]; }
    void finish() override {}
    bool drain(std::chrono::nanoseconds) override { return true; }

    void resize(const std::vector<compute::OutputSpec>& outputs, const compute::SimulationInfo& start) override {
        info_.outputs = outputs;
        make_uploads();
        info_.simulation->on_resize(start, nullptr);
    }

private:
    std::vector<double> times_;                     // host ms per frame, the last 2N frames
    std::chrono::steady_clock::time_point started_; // of the frame begun
};

} // namespace

std::unique_ptr<Producer> make_cpu_producer(const render::Context& ctx, const ProducerInfo& info) {
    return std::make_unique<CpuProducer>(ctx, info);
}

} // namespace cuvk::engine
