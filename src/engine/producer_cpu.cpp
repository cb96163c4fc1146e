// The cpu backend: the sample's CPU reference writes straight into the slot's host-visible staging buffer;
// Vulkan copies it into the drawn resource. Runs anywhere Vulkan does (lavapipe in CI).

#include "engine/producer.hpp"
#include "engine/upload_slots.hpp"

#include <chrono>

namespace cuvk::engine {
namespace {

class CpuProducer final : public Producer {
public:
    CpuProducer(const render::Context& ctx, const ProducerInfo& info)
        : slots_(UploadSlots::create(ctx, info, std::string(info.sample->name))),
          simulation_(info.sample->make_cpu(info.simulation)), times_(info.slots, 0.0) {}

    const SlotOutput& slot(std::uint32_t s) const override { return slots_.slot(s); }

    void produce(std::uint64_t, std::uint32_t s) override {
        const auto start = std::chrono::steady_clock::now();
        simulation_->step({.levels = slots_.host_levels(s), .vertices = slots_.staging(s).data()});
        times_[s] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    }

    std::vector<render::SemaphoreSubmit> before_submit(std::uint64_t, std::uint64_t) override { return {}; }
    std::vector<render::SemaphoreSubmit> signals(std::uint64_t, std::uint64_t) override { return {}; }
    void record_before_draw(VkCommandBuffer cmd, std::uint32_t s) const override { slots_.record_upload(cmd, s); }
    void record_after_draw(VkCommandBuffer, std::uint32_t) const override {}
    std::optional<double> simulation_ms(std::uint32_t s) override { return times_[s]; }
    void finish() override {}

private:
    UploadSlots slots_;
    std::unique_ptr<compute::CpuSimulation> simulation_;
    std::vector<double> times_;
};

} // namespace

std::unique_ptr<Producer> make_cpu_producer(const render::Context& ctx, const ProducerInfo& info) {
    return std::make_unique<CpuProducer>(ctx, info);
}

} // namespace cuvk::engine
