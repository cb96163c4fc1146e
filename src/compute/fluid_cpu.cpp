#include "fluid.cuh"
#include "fluid.hpp"
#include "pattern.cuh"
#include "stroke_queue.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numbers>
#include <vector>

namespace cuvk::compute {

namespace fluid {
namespace {

// sin and cos of `angle` (radians) from + - * / and nearbyint only, so that every platform computes the same
// bits (libm's sin and cos may differ in the last place between libraries, and the fluid amplifies any
// difference). Reduced to [-pi/4, pi/4] by quarter turns, then Taylor series to degree 17/18: error ~1e-14, far
// below what the jets need; what matters is that the bits are the same everywhere.
struct SinCos {
    double sin, cos;
};
SinCos sin_cos(double angle) {
    constexpr double kHalfPi = std::numbers::pi / 2.0;
    const double quarter = std::nearbyint(angle / kHalfPi);
    const double r = angle - quarter * kHalfPi, r2 = r * r;
    double s = 0.0, c = 0.0;
    for (int n = 9; n >= 1; --n) { // Horner on r^2: s = r (1 - r^2/(2*3) (1 - r^2/(4*5) (...)))
        s = 1.0 - r2 / double((2 * n) * (2 * n + 1)) * s;
        c = 1.0 - r2 / double((2 * n - 1) * (2 * n)) * c;
    }
    s *= r;
    switch (((long long)quarter % 4 + 4) % 4) {
    case 0:
        return {s, c};
    case 1:
        return {c, -s};
    case 2:
        return {-s, -c};
    default:
        return {-c, s};
    }
}

} // namespace

// Jets orbit the centre on a circle of 0.3 * the smaller side, evenly spaced with a seeded jitter, all in one seeded
// sense of rotation. Each pushes along the orbit's tangent tilted 30 degrees inward and sweeps +-40 degrees, so the
// jets meet and roll up into vortices. Sizes and accelerations scale with the grid, so a frame looks the same at
// any resolution. Double math with IEEE-exact operations only, rounded to float once: the same bits on any host.
Forcing forcing_for(const Params& params, core::Extent2D extent, std::uint32_t seed, std::uint64_t frame) {
    constexpr double kPi = std::numbers::pi;
    const double w = extent.width, h = extent.height, size = std::min(w, h), t = double(frame);
    const std::uint32_t global = pattern::word(kMaxJets, seed);
    const double sense = (global & 1u) ? 1.0 : -1.0;
    const double hue0 = double(global >> 24) / 256.0;
    Forcing f;
    f.count = std::min<std::uint32_t>(params.jets, kMaxJets);
    for (std::uint32_t k = 0; k < f.count; ++k) {
        const std::uint32_t hash = pattern::word(k, seed);
        const double jitter = double(hash & 0xffffu) / 65536.0; // [0, 1)
        const double phase = 2.0 * kPi * (double(k) + 0.4 * jitter) / double(f.count);
        const double orbit = phase + sense * 0.006 * t;
        const double sweep = 0.7 * sin_cos(0.045 * t + 3.0 * phase).sin;
        const double heading = orbit + sense * (kPi / 2.0 + kPi / 6.0 + sweep);
        const double accel = 150.0 * double(params.force) * size / 256.0;
        // A vivid hue per jet: evenly spread around the colour wheel, turned by the seed.
        const double hue = std::fmod(double(k) / double(f.count) + hue0, 1.0);
        const auto channel = [hue](double offset) {
            const double d = std::fabs(std::fmod(hue + offset, 1.0) * 6.0 - 3.0); // 0 at the channel's peak
            return std::clamp(d - 1.0, 0.0, 1.0) * 0.8 + 0.2;                     // saturation 0.8
        };
        const SinCos position = sin_cos(orbit), push = sin_cos(heading);
        Jet& jet = f.jets[k];
        jet.x = float(w / 2.0 + 0.3 * size * position.cos);
        jet.y = float(h / 2.0 + 0.3 * size * position.sin);
        jet.ax = float(accel * push.cos);
        jet.ay = float(accel * push.sin);
        jet.dye = {float(4.0 * channel(0.0)), float(4.0 * channel(2.0 / 3.0)), float(4.0 * channel(1.0 / 3.0)), 0.0f};
        jet.radius = float(0.035 * size + 2.0);
    }
    return f;
}

} // namespace fluid

namespace {

using fluid::Dye;
using fluid::Velocity;

// Declaration order is SimulationInfo::params order (fluid::Param).
const std::array<ParamSpec, fluid::kParamCount> kParams = {{
    {.name = "dt", .value = 0.25f, .min = 0.02f, .max = 1.0f, .help = "time step per simulation step"},
    {.name = "velocity_dissipation",
     .value = 0.05f,
     .min = 0.0f,
     .max = 4.0f,
     .help = "rate at which velocity fades (per time unit)"},
    {.name = "dye_dissipation",
     .value = 0.15f,
     .min = 0.0f,
     .max = 4.0f,
     .help = "rate at which dye fades (per time unit)"},
    {.name = "force", .value = 1.0f, .min = 0.0f, .max = 4.0f, .help = "strength of the jets"},
    {.name = "jets", .value = 3.0f, .min = 1.0f, .max = 8.0f, .help = "number of jets", .integer = true},
    {.name = "iterations",
     .value = 40.0f,
     .min = 1.0f,
     .max = 500.0f,
     .help = "Jacobi iterations of the pressure solve per step (large grids want more, ~0.3 x the smaller side)",
     .integer = true},
}};

template <class T> PitchedView<T> view_of(std::vector<T>& v, core::Extent2D extent) {
    return {v.data(), extent, extent.width * sizeof(T)};
}
template <class T> PitchedView<const T> cview_of(const std::vector<T>& v, core::Extent2D extent) {
    return {v.data(), extent, extent.width * sizeof(T)};
}

// The CPU reference: the same fields, the same per-cell functions and the same order of passes as the kernels;
// advection samples with fluid::sample_linear where the kernels fetch through a texture.
class FluidCpu final : public CpuSimulation {
public:
    explicit FluidCpu(const SimulationInfo& info)
        : extent_(info.extent), params_(fluid::params_from(info.params)), seed_(info.seed), strokes_(extent_) {
        for (auto& v : velocity_)
            v.assign(extent_.pixels(), Velocity{});
        for (auto& d : dye_)
            d.assign(extent_.pixels(), Dye{});
        for (auto& p : pressure_)
            p.assign(extent_.pixels(), 0.0f);
        divergence_.assign(extent_.pixels(), 0.0f);
    }

    void step(const HostOutput& out) override {
        CUVK_ASSERT(!out.levels.empty() && out.levels[0].extent == extent_,
                    "fluid writes one RGBA16F level of the simulation's extent");
        const auto velocity = view_of(velocity_[v_], extent_);
        const auto dye = view_of(dye_[d_], extent_);
        for (const Stroke& stroke : strokes_.take())
            for (std::uint32_t y = stroke.top; y < stroke.bottom; ++y)
                for (std::uint32_t x = stroke.left; x < stroke.right; ++x) {
                    fluid::at(velocity, x, y) =
                        fluid::brushed_velocity(fluid::at(velocity, x, y), stroke, x, y, params_);
                    fluid::at(dye, x, y) = fluid::brushed_dye(fluid::at(dye, x, y), stroke, x, y);
                }
        for (std::uint32_t i = 0; i < out.steps; ++i)
            advance();
        const PitchedView<std::byte>& level = out.levels[0];
        const auto shown = cview_of(dye_[d_], extent_);
        each_cell([&](std::uint32_t x, std::uint32_t y) {
            const fluid::Half4 c = fluid::rgba16f(fluid::at(shown, x, y));
            std::memcpy(level.data + y * level.pitch + x * sizeof(c), &c, sizeof(c));
        });
    }

    void pointer(const PointerEvent& event) override { strokes_.push(event); }

private:
    template <class F> void each_cell(F&& f) const {
        for (std::uint32_t y = 0; y < extent_.height; ++y)
            for (std::uint32_t x = 0; x < extent_.width; ++x)
                f(x, y);
    }

    // One step with the jets of step frame_, pass by pass as the kernels do it.
    void advance() {
        const fluid::Forcing forcing = fluid::forcing_for(params_, extent_, seed_, frame_);

        // Velocity: advect itself, then the jets.
        {
            const auto src = cview_of(velocity_[v_], extent_);
            const auto dst = view_of(velocity_[1 - v_], extent_);
            each_cell([&](std::uint32_t x, std::uint32_t y) {
                const fluid::Point q = fluid::backtrace(x, y, fluid::at(src, x, y), params_.dt);
                const Velocity sample = fluid::sample_linear(src, q.x, q.y);
                fluid::at(dst, x, y) = fluid::force_velocity(sample, x, y, params_, forcing);
            });
            v_ = 1 - v_;
        }
        // Projection: divergence, Jacobi iterations warm-started from the last frame's pressure, gradient.
        {
            const auto velocity = view_of(velocity_[v_], extent_);
            const auto div = view_of(divergence_, extent_);
            const auto velocity_in = cview_of(velocity_[v_], extent_);
            each_cell(
                [&](std::uint32_t x, std::uint32_t y) { fluid::at(div, x, y) = fluid::divergence(velocity_in, x, y); });
            for (std::uint32_t i = 0; i < params_.iterations; ++i) {
                const auto src = cview_of(pressure_[p_], extent_);
                const auto dst = view_of(pressure_[1 - p_], extent_);
                const auto d = cview_of(divergence_, extent_);
                each_cell(
                    [&](std::uint32_t x, std::uint32_t y) { fluid::at(dst, x, y) = fluid::jacobi(src, d, x, y); });
                p_ = 1 - p_;
            }
            const auto p = cview_of(pressure_[p_], extent_);
            each_cell([&](std::uint32_t x, std::uint32_t y) {
                fluid::at(velocity, x, y) = fluid::project(fluid::at(velocity, x, y), p, x, y);
            });
        }
        // Dye: advect by the projected velocity, then the jets.
        {
            const auto velocity = cview_of(velocity_[v_], extent_);
            const auto src = cview_of(dye_[d_], extent_);
            const auto dst = view_of(dye_[1 - d_], extent_);
            each_cell([&](std::uint32_t x, std::uint32_t y) {
                const fluid::Point q = fluid::backtrace(x, y, fluid::at(velocity, x, y), params_.dt);
                const Dye sample = fluid::sample_linear(src, q.x, q.y);
                fluid::at(dst, x, y) = fluid::force_dye(sample, x, y, params_, forcing);
            });
            d_ = 1 - d_;
        }
        ++frame_;
    }

    core::Extent2D extent_;
    fluid::Params params_;
    std::uint32_t seed_;
    std::uint64_t frame_ = 0; // steps taken: the jets' clock
    StrokeQueue strokes_;     // applied to the state at the start of the next step()
    // Ping-pong pairs; v_, p_, d_ name the half that holds the state.
    std::array<std::vector<Velocity>, 2> velocity_;
    std::array<std::vector<float>, 2> pressure_;
    std::array<std::vector<Dye>, 2> dye_;
    std::vector<float> divergence_;
    int v_ = 0, p_ = 0, d_ = 0;
};

OutputSpec output(const SimulationInfo& info) {
    OutputSpec spec; // an image of one level
    spec.extent = info.extent;
    spec.format = PixelFormat::rgba16f;
    return spec;
}

std::unique_ptr<CpuSimulation> make_cpu(const SimulationInfo& info) {
    return std::make_unique<FluidCpu>(info);
}

} // namespace

// Tolerance: none. The CPU reference reproduces the texture unit's bilinear filter bit for bit (fluid.cuh,
// sample_linear) and all other math is IEEE-exact in the same order on both sides, so the frames are identical:
// measured on an H100 (sm_90), 0 differing texels in 60 frames at 256x192 and 30 frames at 256x256 and 1001x701,
// and with strong forcing (force 4, dt 1). Slack would not help where this fails: the flow is chaotic, so a
// texture unit that rounds differently (another GPU generation) makes the frames drift apart without bound.
// Measured with the Programming Guide's formula taken literally (unrounded 2D weights, fp32 sum) as the reference:
// at most 2 levels off after 60 frames at 256x192, but 0.6% of pixels off by more than 2 (up to 117) after 30
// frames at 1001x701. On such a GPU re-measure the filter (see sample_linear) rather than widen this.
const SampleDef kFluid = {
    .name = "fluid",
    .description = "Stable fluids: orbiting jets stir coloured dye in a closed box",
    .params = kParams,
    .tolerance = {.per_channel = 0, .max_bad_fraction = 0.0},
    .output = output,
    .make_cpu = make_cpu,
#if defined(CUVK_HAS_CUDA)
    .make_cuda = make_fluid_cuda,
#endif
};

} // namespace cuvk::compute
