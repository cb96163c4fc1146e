// The built-in samples behind the public Simulation interface: one adapter over each sample's SampleDef.

#include "cuvk/compute/builtins.hpp"

#include "cuvk/core/error.hpp"
#include "fill.hpp"
#include "fluid.hpp"
#include "fractal.hpp"
#include "gray_scott.hpp"
#include "particles.hpp"
#include "waves.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace cuvk::compute {
namespace {

constexpr std::array<std::string_view, 6> kNames = {"gray-scott", "fluid", "particles", "waves", "fractal", "fill"};

const SampleDef* def_of(std::string_view name) {
    for (const SampleDef* d : {&kGrayScott, &kFluid, &kParticles, &kWaves, &kFractal, &kFill})
        if (d->name == name)
            return d;
    return nullptr;
}

// Runs the sample's CUDA implementation when started with a stream, its CPU reference otherwise.
class BuiltinSimulation final : public Simulation {
public:
    explicit BuiltinSimulation(const SampleDef& def) : def_(def) {
        desc_ = {.name = std::string(def.name),
                 .description = std::string(def.description),
                 .params = {def.params.begin(), def.params.end()},
                 .has_cuda = def.make_cuda != nullptr,
                 .has_cpu = def.make_cpu != nullptr,
                 .tolerance = def.tolerance};
    }

    const SimulationDesc& desc() const override { return desc_; }

    std::vector<OutputSpec> outputs(const SimulationInfo& info) const override { return {def_.output(info)}; }

    void start(const SimulationInfo& info, CudaStream stream) override {
        stop();
        extent_ = info.extent;
        params_.assign(info.params.begin(), info.params.end());
        seed_ = info.seed;
        stream_ = stream;
        const SimulationInfo own{.extent = extent_, .params = params_, .seed = seed_};
        if (stream) {
            if (!def_.make_cuda)
                core::fail("this build of cuvk has no CUDA implementation of the sample", desc_.name);
            cuda_ = def_.make_cuda(own, stream);
        } else {
            cpu_ = def_.make_cpu(own);
        }
    }

    void step(FrameContext& frame) override {
        CUVK_ASSERT(cuda_ || cpu_, "start() comes before step()");
        const OutputView& out = frame.output();
        if (cuda_)
            cuda_->step({.levels = out.levels, .vertices = out.device_vertices, .steps = frame.steps});
        else
            cpu_->step({.levels = out.host_levels, .vertices = out.host_vertices, .steps = frame.steps});
    }

    void stop() override {
        cuda_.reset();
        cpu_.reset();
    }

    // The samples bake their parameters into their state (gray-scott even into a captured CUDA graph), so new
    // values start the sample over, on the same stream, in stream order.
    void on_params_changed(std::span<const float> params) override {
        if (!(cuda_ || cpu_) || std::equal(params.begin(), params.end(), params_.begin(), params_.end()))
            return;
        const std::vector<float> values(params.begin(), params.end());
        start({.extent = extent_, .params = values, .seed = seed_}, stream_);
    }

    // Queued by the sample until its next step() (gray-scott and fluid paint with it; the others ignore it). Events
    // before start() have no state to change and are dropped; a restart (new parameters, resize) drops the queue.
    void on_pointer(const PointerEvent& event) override {
        if (cuda_)
            cuda_->pointer(event);
        else if (cpu_)
            cpu_->pointer(event);
    }

private:
    const SampleDef& def_;
    SimulationDesc desc_;
    core::Extent2D extent_;
    std::vector<float> params_;
    std::uint32_t seed_ = 1;
    CudaStream stream_ = nullptr;
    std::unique_ptr<CudaSimulation> cuda_;
    std::unique_ptr<CpuSimulation> cpu_;
};

} // namespace

std::vector<std::string> builtin_names() {
    return {kNames.begin(), kNames.end()};
}

std::unique_ptr<Simulation> make_builtin(std::string_view name) {
    const SampleDef* def = def_of(name);
    return def ? std::make_unique<BuiltinSimulation>(*def) : nullptr;
}

} // namespace cuvk::compute
