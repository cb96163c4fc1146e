// The waves sample's declaration, its raindrops and its CPU reference.

#include "hash.cuh"
#include "waves.cuh"
#include "waves.hpp"

#include "cuvk/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>
#include <vector>

namespace cuvk::compute {
namespace waves {
namespace {

enum Param : std::size_t { kGrid, kSubsteps, kSpeed, kDamping, kRain, kDropSize, kHeight, kEdges };
const ParamSpec kParams[] = {
    {.name = "grid",
     .value = 256.0f,
     .min = 32.0f,
     .max = 2048.0f,
     .help = "vertices per side of the height field",
     .integer = true},
    {.name = "substeps",
     .value = 2.0f,
     .min = 1.0f,
     .max = 16.0f,
     .help = "wave-equation steps per simulation step (a displayed frame takes one, unless paused or sped up)",
     .integer = true},
    {.name = "speed",
     .value = 0.5f,
     .min = 0.05f,
     .max = 0.7f,
     .help = "Courant number: cells a wave travels per step (stable up to 1/sqrt(2))"},
    {.name = "damping", .value = 0.003f, .min = 0.0f, .max = 0.05f, .help = "fraction of the motion lost per step"},
    {.name = "rain", .value = 10.0f, .min = 1.0f, .max = 600.0f, .help = "frames between raindrops", .integer = true},
    {.name = "drop_size", .value = 0.06f, .min = 0.01f, .max = 0.3f, .help = "raindrop radius (the water is 2 wide)"},
    {.name = "height", .value = 0.06f, .min = 0.0f, .max = 0.5f, .help = "height of the mesh per unit of wave"},
    {.name = "edges",
     .value = 0.0f,
     .min = 0.0f,
     .max = 1.0f,
     .help = "0: edges reflect, 1: edges are fixed at zero",
     .integer = true},
};

// Owns the two height fields; `h_` is the newest, `prev_` the one before.
class CpuWaves final : public CpuSimulation {
public:
    explicit CpuWaves(const SimulationInfo& info)
        : settings_(read_settings(info)), h_(std::size_t(settings_.n) * settings_.n, 0.0f), prev_(h_.size(), 0.0f) {}

    void step(const HostOutput& out) override {
        CUVK_ASSERT(out.vertices != nullptr, "waves write a vertex buffer");
        const std::uint32_t n = settings_.n;
        for (std::uint32_t step = 0; step < out.steps; ++step) {
            if (has_drop(settings_, frame_)) {
                const Drop d = drop_at(settings_, frame_);
                for (std::uint32_t z = d.z0; z < d.z1; ++z)
                    for (std::uint32_t x = d.x0; x < d.x1; ++x) {
                        const float bump = drop_bump(d, x, z);
                        h_[std::size_t(z) * n + x] += bump;
                        prev_[std::size_t(z) * n + x] += bump;
                    }
            }
            for (std::uint32_t s = 0; s < settings_.substeps; ++s) {
                for (std::uint32_t z = 0; z < n; ++z)
                    for (std::uint32_t x = 0; x < n; ++x)
                        prev_[std::size_t(z) * n + x] = next_height(h_.data(), prev_.data(), n, x, z, settings_);
                std::swap(h_, prev_);
            }
            ++frame_;
        }
        auto* vertices = static_cast<MeshVertex*>(out.vertices);
        const float spacing = grid_spacing(n);
        for (std::uint32_t z = 0; z < n; ++z)
            for (std::uint32_t x = 0; x < n; ++x)
                vertices[std::size_t(z) * n + x] = vertex(h_.data(), n, x, z, spacing, settings_.height);
    }

private:
    Settings settings_;
    std::vector<float> h_;
    std::vector<float> prev_;
    std::uint32_t frame_ = 0; // steps taken: the drops' clock
};

OutputSpec output(const SimulationInfo& info) {
    const std::uint32_t n = read_settings(info).n;
    return {.kind = OutputKind::mesh, .vertex_count = std::size_t(n) * n, .grid = {n, n}};
}

std::unique_ptr<CpuSimulation> make_cpu(const SimulationInfo& info) {
    return std::make_unique<CpuWaves>(info);
}

double unit(std::uint32_t h) {
    return double(h >> 8) * (1.0 / 16777216.0);
}

} // namespace

Settings read_settings(const SimulationInfo& info) {
    CUVK_ASSERT(info.params.size() == std::size(kParams), "SimulationInfo holds one value per ParamSpec");
    const auto& p = info.params;
    return {.n = std::uint32_t(std::lround(p[kGrid])),
            .substeps = std::uint32_t(std::lround(p[kSubsteps])),
            .c2 = p[kSpeed] * p[kSpeed],
            .keep = 1.0f - p[kDamping],
            .rain = std::uint32_t(std::lround(p[kRain])),
            .drop_radius = p[kDropSize],
            .height = p[kHeight],
            .fixed_edges = std::lround(p[kEdges]) != 0,
            .seed = info.seed};
}

bool has_drop(const Settings& s, std::uint32_t frame) {
    return frame % s.rain == 0;
}

// Drop number frame / rain: a hashed centre away from the edges, a hashed radius between 0.6 and 1.4 drop sizes
// (at least 1.5 cells, so a coarse grid still gets a round bump) and a hashed depth (drops push the water down).
Drop drop_at(const Settings& s, std::uint32_t frame) {
    const std::uint32_t h = hash(s.seed, frame / s.rain);
    const double cells_per_unit = 0.5 * double(s.n - 1);
    const double cx = (0.85 * (2.0 * unit(hash(h, 1u)) - 1.0) + 1.0) * cells_per_unit;
    const double cz = (0.85 * (2.0 * unit(hash(h, 2u)) - 1.0) + 1.0) * cells_per_unit;
    const double radius = std::max(1.5, double(s.drop_radius) * (0.6 + 0.8 * unit(hash(h, 3u))) * cells_per_unit);
    const double amplitude = -(0.6 + 0.4 * unit(hash(h, 4u)));
    const auto first = [](double v) { return std::uint32_t(std::max(0.0, std::floor(v))); };
    const auto past = [&](double v) { return std::min(s.n, std::uint32_t(std::floor(v)) + 1u); };
    return {.cx = float(cx),
            .cz = float(cz),
            .inv_radius2 = float(1.0 / (radius * radius)),
            .amplitude = float(amplitude),
            .x0 = first(cx - radius),
            .x1 = past(cx + radius),
            .z0 = first(cz - radius),
            .z1 = past(cz + radius)};
}

} // namespace waves

// Tolerance: none. Both simulations produce the same bits (waves.cuh says why), so the same renderer draws the same
// image; any difference is a bug.
const SampleDef kWaves = {
    .name = "waves",
    .description = "raindrops rippling a pond: the 2D wave equation on a lit height-field mesh",
    .params = waves::kParams,
    .tolerance = {.per_channel = 0, .max_bad_fraction = 0.0},
    .output = waves::output,
    .make_cpu = waves::make_cpu,
#if defined(CUVK_HAS_CUDA)
    .make_cuda = make_waves_cuda,
#endif
};

} // namespace cuvk::compute
