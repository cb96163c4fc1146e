#pragma once
// A built-in sample's CPU implementation run frame by frame into host memory, as the cpu backend runs it but without
// Vulkan: for tests of what a frame writes.

#include "cuvk/compute/builtins.hpp"
#include "cuvk/compute/simulation.hpp"

#include <cstddef>
#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cuvk::test {

class HostRun {
public:
    // The sample `name` at `extent` with its default parameters, those in `overrides` replaced (by name).
    HostRun(const std::string& name, core::Extent2D extent, const std::map<std::string, float>& overrides = {})
        : sim_(compute::make_builtin(name)) {
        if (!sim_)
            throw std::runtime_error("no built-in sample " + name);
        std::map<std::string, float> unused = overrides;
        for (const compute::ParamSpec& p : sim_->desc().params) {
            const auto it = overrides.find(p.name);
            params_.push_back(it == overrides.end() ? p.value : it->second);
            unused.erase(p.name);
        }
        if (!unused.empty())
            throw std::runtime_error(name + " has no parameter " + unused.begin()->first);
        const compute::SimulationInfo info{.extent = extent, .params = params_, .seed = 1};
        spec_ = sim_->outputs(info).at(0);
        memory_.resize(spec_.host_bytes());
        if (spec_.kind == compute::OutputKind::image)
            for (std::uint32_t l = 0; l < spec_.mip_levels; ++l) {
                const core::Extent2D e = spec_.level_extent(l);
                levels_.push_back(
                    {memory_.data() + spec_.host_level_offset(l), e, e.width * compute::bytes_per_texel(spec_.format)});
            }
        sim_->start(info, nullptr);
    }
    ~HostRun() { sim_->stop(); }
    HostRun(const HostRun&) = delete;
    HostRun& operator=(const HostRun&) = delete;

    // One frame that takes `steps` steps: the bytes of its output (every mip level, or every vertex). The memory is
    // poisoned first, so a frame that leaves some of its output unwritten does not pass for the frame before it.
    std::vector<std::byte> frame(std::uint32_t steps = 1) {
        std::fill(memory_.begin(), memory_.end(), std::byte{0xcd});
        compute::OutputView out{.spec = spec_};
        if (spec_.kind == compute::OutputKind::image)
            out.host_levels = levels_;
        else
            out.host_vertices = memory_.data();
        compute::FrameContext frame{
            .frame = core::FrameIndex{frame_++}, .steps = steps, .params = params_, .outputs = {&out, 1}};
        sim_->step(frame);
        return memory_;
    }

    void pointer(const compute::PointerEvent& event) { sim_->on_pointer(event); }
    const compute::OutputSpec& spec() const { return spec_; }

private:
    std::unique_ptr<compute::Simulation> sim_;
    std::vector<float> params_;
    compute::OutputSpec spec_;
    std::vector<std::byte> memory_;
    std::vector<compute::PitchedView<std::byte>> levels_;
    std::uint64_t frame_ = 0;
};

} // namespace cuvk::test
