// The particles sample's declaration, its host-side flow and its CPU reference.

#include "particles.cuh"
#include "particles.hpp"

#include "cuvk/core/error.hpp"

#include <cmath>
#include <iterator>
#include <vector>

namespace cuvk::compute {
namespace particles {
namespace {

enum Param : std::size_t { kCount, kSpeed, kScale, kTurbulence, kLifetime };
const ParamSpec kParams[] = {
    {.name = "count",
     .value = 1048576.0f,
     .min = 1024.0f,
     .max = 16777216.0f,
     .help = "number of particles",
     .integer = true},
    {.name = "speed",
     .value = 0.6f,
     .min = 0.0f,
     .max = 4.0f,
     .help = "time scale: how fast particles move and the flow changes"},
    {.name = "scale",
     .value = 1.0f,
     .min = 0.25f,
     .max = 4.0f,
     .help = "spatial frequency of the noise: higher, smaller swirls"},
    {.name = "turbulence",
     .value = 0.65f,
     .min = 0.0f,
     .max = 0.9f,
     .help = "strength of each finer octave relative to the one below"},
    {.name = "lifetime",
     .value = 4.0f,
     .min = 0.25f,
     .max = 30.0f,
     .help = "longest life of a particle in seconds (60 frames each) before it is born again"},
};

class CpuParticles final : public CpuSimulation {
public:
    explicit CpuParticles(const SimulationInfo& info)
        : settings_(read_settings(info)), particles_(settings_.count), speeds_(settings_.count, 0.0f) {
        for (std::uint32_t i = 0; i < settings_.count; ++i)
            particles_[i] = initial(i, settings_);
    }

    void step(const HostOutput& out) override {
        CUVK_ASSERT(out.vertices != nullptr, "particles write a vertex buffer");
        for (std::uint32_t step = 0; step < out.steps; ++step, ++frame_) {
            const Flow flow = flow_at(settings_, frame_);
            for (std::uint32_t i = 0; i < settings_.count; ++i)
                step_particle(flow, particles_[i], speeds_[i], i, frame_, settings_);
        }
        auto* vertices = static_cast<PointVertex*>(out.vertices);
        for (std::uint32_t i = 0; i < settings_.count; ++i)
            vertices[i] = vertex_of(particles_[i], speeds_[i], i, settings_);
    }

private:
    Settings settings_;
    std::vector<Particle> particles_;
    std::vector<float> speeds_; // what each particle is drawn with: its speed in its last step
    std::uint32_t frame_ = 0;   // steps taken: the clock of the flow and of the births
};

OutputSpec output(const SimulationInfo& info) {
    return {.kind = OutputKind::points, .vertex_count = read_settings(info).count};
}

std::unique_ptr<CpuSimulation> make_cpu(const SimulationInfo& info) {
    return std::make_unique<CpuParticles>(info);
}

} // namespace

Settings read_settings(const SimulationInfo& info) {
    CUVK_ASSERT(info.params.size() == std::size(kParams), "SimulationInfo holds one value per ParamSpec");
    const auto& p = info.params;
    return {.count = std::uint32_t(std::lround(p[kCount])),
            .speed = p[kSpeed],
            .scale = p[kScale],
            .turbulence = p[kTurbulence],
            .lifetime = std::round(p[kLifetime] * kFramesPerSecond),
            .seed = info.seed};
}

// Each term: a hashed direction, a frequency rising by kLacunarity per octave (jittered so octaves don't align), a
// phase turning at a hashed rate (finer octaves faster), and gradient amplitude turbulence^octave, normalised so
// that the speed of the flow is about 1 whatever the turbulence. Double precision, then rounded to float once.
Flow flow_at(const Settings& s, std::uint32_t frame) {
    constexpr double kTwoPi = 6.283185307179586;
    constexpr double kBaseFrequency =
        4.0; // radians per unit at scale 1: a wavelength of about 1.5, so a few swirls across the box
    constexpr double kLacunarity = 2.13;
    constexpr double kPhaseRate = 0.7; // radians per second of flow time, octave 0
    const double time = double(frame) * double(kFrameSeconds) * double(s.speed);
    double norm = 0.0;
    for (int o = 0; o < kOctaves; ++o)
        norm += std::pow(double(s.turbulence), o);

    Flow flow{};
    for (int c = 0; c < 3; ++c) {
        for (int o = 0; o < kOctaves; ++o) {
            const std::uint32_t h = hash(s.seed, 0x3c6ef372u + std::uint32_t(c * kOctaves + o));
            const double z = 2.0 * unit(h) - 1.0;
            const double azimuth = kTwoPi * unit(hash(h, 1u));
            const double rxy = std::sqrt(1.0 - z * z);
            const double dir[3] = {rxy * std::cos(azimuth), rxy * std::sin(azimuth), z};
            const double frequency =
                kBaseFrequency * double(s.scale) * std::pow(kLacunarity, o) * (0.85 + 0.3 * unit(hash(h, 2u)));
            const double rate = kPhaseRate * (0.5 + unit(hash(h, 3u))) * std::pow(kLacunarity, 0.5 * o);
            const double phase = std::fmod(kTwoPi * unit(hash(h, 4u)) + rate * time, kTwoPi);
            const double gradient = std::pow(double(s.turbulence), o) / norm; // |A k|
            flow.terms[c][o] = {.kx = float(dir[0] * frequency),
                                .ky = float(dir[1] * frequency),
                                .kz = float(dir[2] * frequency),
                                .phase = float(phase),
                                .gx = float(dir[0] * gradient),
                                .gy = float(dir[1] * gradient),
                                .gz = float(dir[2] * gradient)};
        }
    }
    flow.step = s.speed * kFrameSeconds;
    return flow;
}

} // namespace particles

// Tolerance: none. Both simulations produce the same bits (particles.cuh says why), so the same renderer draws the
// same image; any difference is a bug.
const SampleDef kParticles = {
    .name = "particles",
    .description = "a million points swirling through 3D curl noise, born on a sphere shell",
    .params = particles::kParams,
    .tolerance = {.per_channel = 0, .max_bad_fraction = 0.0},
    .output = particles::output,
    .make_cpu = particles::make_cpu,
#if defined(CUVK_HAS_CUDA)
    .make_cuda = make_particles_cuda,
#endif
};

} // namespace cuvk::compute
