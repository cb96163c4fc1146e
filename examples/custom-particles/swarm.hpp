#pragma once
// The Swarm simulation of custom-particles: the class a program hands to cuvk (main.cpp runs it; cuvk's GPU tests check
// it against its own CPU implementation).
#include "swarm.cuh"

#include <cuvk/compute/simulation.hpp>

#include <cmath>
#include <cstring>
#include <vector>

namespace custom_particles {

using namespace cuvk;

Particle* swarm_create(std::uint32_t n, compute::CudaStream stream); // swarm.cu
void swarm_advance(Particle* swarm, void* out, std::uint32_t n, float dt, compute::CudaStream stream);
void swarm_destroy(Particle* swarm, compute::CudaStream stream);

class Swarm final : public compute::Simulation {
public:
    const compute::SimulationDesc& desc() const override { return desc_; }
    std::vector<compute::OutputSpec> outputs(const compute::SimulationInfo& info) const override {
        return {{.kind = compute::OutputKind::points, .vertex_count = count(info.params)}};
    }
    void start(const compute::SimulationInfo& info, compute::CudaStream stream) override {
        stop();
        n_ = std::uint32_t(count(info.params));
        stream_ = stream;
        if (stream)
            device_ = swarm_create(n_, stream);
        for (std::uint32_t i = 0; !stream && i < n_; ++i)
            host_.push_back(spawn(i));
    }
    void step(compute::FrameContext& f) override {
        const float dt = f.params[1];
        if (f.stream)
            return swarm_advance(device_, f.output().device_vertices, n_, dt, f.stream);
        auto* out = static_cast<compute::PointVertex*>(f.output().host_vertices);
        for (std::uint32_t i = 0; i < n_; ++i)
            out[i] = advance(host_[i], dt);
    }
    void stop() override {
        if (device_)
            swarm_destroy(device_, stream_); // stream-ordered, after every step; the ring then syncs the stream
        device_ = nullptr;
        host_.clear();
    }

private:
    static std::size_t count(std::span<const float> params) { return std::size_t(std::lround(params[0])); }
    compute::SimulationDesc desc_{
        .name = "swarm",
        .description = "a disc of particles orbiting a heavy centre",
        .params = {{.name = "count", .value = 200000, .min = 1, .max = 4000000, .help = "particles", .integer = true},
                   {.name = "dt", .value = 0.01f, .min = 0.0f, .max = 0.05f, .help = "time step per frame"}},
        .has_cpu = true};
    std::uint32_t n_ = 0;
    compute::CudaStream stream_ = nullptr;
    Particle* device_ = nullptr;
    std::vector<Particle> host_;
};

} // namespace custom_particles
