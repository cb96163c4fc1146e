// The fill sample's declaration and its CPU reference.

#include "fill.hpp"

#include "cuvk/core/error.hpp"
#include "pattern.hpp"

namespace cuvk::compute {
namespace {

// Frame k of single steps shows pattern k (pattern 0 before any step), as the fractal counts its views; a paused
// frame (steps == 0) writes the pattern of the frame before it.
class CpuFill final : public CpuSimulation {
public:
    void step(const HostOutput& out) override {
        CUVK_ASSERT(out.levels.size() == 1, "the fill writes one level");
        frame_ += out.steps;
        const auto& level = out.levels[0];
        fill_rgba8_cpu({reinterpret_cast<std::uint32_t*>(level.data), level.extent, level.pitch},
                       frame_ > 0 ? frame_ - 1 : 0);
    }

private:
    std::uint32_t frame_ = 0; // steps taken, this frame's included
};

OutputSpec output(const SimulationInfo& info) {
    CUVK_ASSERT(!info.extent.empty(), "the fill is displayed at a non-empty size");
    return {.kind = OutputKind::image, .extent = info.extent, .format = PixelFormat::rgba8, .mip_levels = 1};
}

std::unique_ptr<CpuSimulation> make_cpu(const SimulationInfo&) {
    return std::make_unique<CpuFill>();
}

} // namespace

// Tolerance: none. The pattern is integer arithmetic, the same on both sides.
const SampleDef kFill = {
    .name = "fill",
    .description = "no simulation: a test pattern of the frame number, what the ring and the display cost alone",
    .params = {},
    .tolerance = {.per_channel = 0, .max_bad_fraction = 0.0},
    .output = output,
    .make_cpu = make_cpu,
#if defined(CUVK_HAS_CUDA)
    .make_cuda = make_fill_cuda,
#endif
};

} // namespace cuvk::compute
