// The fractal sample's declaration, its zoom schedule and its CPU reference.

#include "fractal.cuh"
#include "fractal.hpp"

#include "cuvk/core/error.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <iterator>

namespace cuvk::compute {
namespace fractal {
namespace {

enum Param : std::size_t { kZoom, kIterations, kBands };
const ParamSpec kParams[] = {
    {.name = "zoom",
     .value = 1.02f,
     .min = 1.0f,
     .max = 1.25f,
     .help = "magnification per frame: in to the depth double precision allows, then back out"},
    {.name = "iterations",
     .value = 4000.0f,
     .min = 32.0f,
     .max = 65536.0f,
     .help = "most iterations per point (the count rises with depth up to this)",
     .integer = true},
    {.name = "bands", .value = 1.0f, .min = 0.05f, .max = 8.0f, .help = "palette cycles per 64 iterations"},
};

// Where the zoom goes: a point of Seahorse Valley whose neighbourhood stays busy for many decades of zoom.
constexpr double kTargetRe = -0.743643887037158704752191506114774;
constexpr double kTargetIm = 0.131825904205311970493132056385139;
constexpr double kStartWidth = 3.2; // the whole set across level 0
// The deepest view: at a 4K display (8K level 0) its texels are 1.2e-13 apart, about 1000 ulps of |c|, where
// double precision still draws a clean picture. Fixed, so that the zoom's schedule does not depend on the size.
constexpr double kDeepestWidth = 1e-9;

class CpuFractal final : public CpuSimulation {
public:
    explicit CpuFractal(const SimulationInfo& info) : settings_(read_settings(info)) {}

    void step(const HostOutput& out) override {
        CUVK_ASSERT(out.levels.size() == settings_.mip_levels, "the fractal writes every mip level");
        frame_ += out.steps;
        const View view = view_at(settings_, frame_ > 0 ? frame_ - 1 : 0);
        for (std::uint32_t l = 0; l < settings_.mip_levels; ++l) {
            const PitchedView<std::byte>& level = out.levels[l];
            CUVK_ASSERT(level.extent == core::mip_extent(settings_.extent, l), "mip level extents follow the chain");
            const auto [w, h] = level.extent;
            for (std::uint32_t y = 0; y < h; ++y) {
                auto* row = reinterpret_cast<std::uint32_t*>(level.data + y * level.pitch);
                for (std::uint32_t x = 0; x < w; ++x)
                    row[x] = texel(view, x, y, w, h);
            }
        }
    }

private:
    Settings settings_;
    // Steps taken, this frame's included: a frame shows the view of the last step taken (view 0 before any), so
    // frame k of a run of single steps shows view k, as before steps existed.
    std::uint32_t frame_ = 0;
};

OutputSpec output(const SimulationInfo& info) {
    const Settings s = read_settings(info);
    return {.kind = OutputKind::image,
            .extent = s.extent,
            .format = PixelFormat::rgba8,
            .mip_levels = s.mip_levels,
            .display_lod = 1.0f,
            .grid = {}};
}

std::unique_ptr<CpuSimulation> make_cpu(const SimulationInfo& info) {
    return std::make_unique<CpuFractal>(info);
}

} // namespace

Settings read_settings(const SimulationInfo& info) {
    CUVK_ASSERT(info.params.size() == std::size(kParams), "SimulationInfo holds one value per ParamSpec");
    CUVK_ASSERT(!info.extent.empty(), "the fractal is displayed at a non-empty size");
    const auto& p = info.params;
    const core::Extent2D extent{info.extent.width * 2, info.extent.height * 2};
    return {.extent = extent,
            .mip_levels = std::uint32_t(std::bit_width(std::max(extent.width, extent.height))),
            .zoom = p[kZoom],
            .iterations = std::uint32_t(std::lround(p[kIterations])),
            .bands = p[kBands],
            .seed = info.seed};
}

// Frame k is k zoom steps in, until the width reaches kDeepestWidth; then the zoom runs back out and in again (a
// triangle wave). The iteration limit rises with depth (deeper views need more iterations to
// tell the inside from the slow-escaping outside), capped by the parameter. The seed turns the palette.
View view_at(const Settings& s, std::uint32_t frame) {
    const double deepest = s.zoom > 1.0 ? std::floor(std::log(kStartWidth / kDeepestWidth) / std::log(s.zoom)) : 0.0;
    double steps = 0.0;
    if (deepest > 0.0) {
        steps = std::fmod(double(frame), 2.0 * deepest);
        steps = steps <= deepest ? steps : 2.0 * deepest - steps;
    }
    const double width = kStartWidth * std::pow(s.zoom, -steps);
    const double decades = std::log10(kStartWidth / width);
    const double iterations = std::min(double(s.iterations), 256.0 + 200.0 * decades);
    const std::uint32_t h = s.seed * 0x9e3779b9u ^ 0x85ebca6bu;
    return {.center_re = kTargetRe,
            .center_im = kTargetIm,
            .width = width,
            .height = width * s.extent.height / s.extent.width,
            .iterations = std::uint32_t(iterations),
            .bands = s.bands / 64.0,
            .phase = double((h ^ (h >> 15)) % 1024u) / 1024.0};
}

} // namespace fractal

// Tolerance: one level per channel, no pixel beyond it. The escape count is exact on both sides; only log, log2
// and cos in the colouring may differ in the last bits of a double (fractal.cuh), which changes a channel by one
// level with a probability of about 1e-13 per channel; trilinear sampling cannot widen a one-level difference.
const SampleDef kFractal = {
    .name = "fractal",
    .description = "a Mandelbrot zoom into Seahorse Valley, every mip level computed directly",
    .params = fractal::kParams,
    .tolerance = {.per_channel = 1, .max_bad_fraction = 0.0},
    .output = fractal::output,
    .make_cpu = fractal::make_cpu,
#if defined(CUVK_HAS_CUDA)
    .make_cuda = make_fractal_cuda,
#endif
};

} // namespace cuvk::compute
