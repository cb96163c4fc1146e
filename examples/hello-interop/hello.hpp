#pragma once
// The Hello simulation of hello-interop: the class a program hands to cuvk (main.cpp runs it; cuvk's GPU tests check it
// against its own CPU implementation), and the per-texel function its kernel (hello.cu) and its CPU loop share.
#include <cuvk/compute/hd.hpp>
#include <cuvk/compute/simulation.hpp>

#include <cstdint>
#include <cstring>

namespace hello_interop {

using namespace cuvk;

// The one function both implementations call: texel (x, y) of frame `frame` of a w x h image, RGBA8 with R in the
// low byte. Integer math only, so the CUDA kernel and the CPU loop agree bit for bit.
CUVK_HD std::uint32_t hello_texel(std::uint32_t x, std::uint32_t y, std::uint32_t w, std::uint32_t h,
                                  std::uint32_t frame) {
    const std::uint32_t r = x * 255u / (w > 1 ? w - 1 : 1);
    const std::uint32_t g = y * 255u / (h > 1 ? h - 1 : 1);
    const std::uint32_t b = ((x + y + 4u * frame) / 16u % 2u) * 255u; // stripes moving 4 pixels a frame
    return r | g << 8 | b << 16 | 0xffu << 24;
}

void launch_hello(const compute::SurfaceView& out, std::uint32_t frame, compute::CudaStream stream); // hello.cu

class Hello final : public compute::Simulation {
public:
    const compute::SimulationDesc& desc() const override { return desc_; }
    std::vector<compute::OutputSpec> outputs(const compute::SimulationInfo& info) const override {
        return {{.extent = info.extent}}; // one RGBA8 image at the display size
    }
    void start(const compute::SimulationInfo&, compute::CudaStream) override {} // no state to create
    void stop() override {}                                                     // nor to release
    void step(compute::FrameContext& f) override {
        const auto frame = std::uint32_t(f.frame.value);
        if (f.stream)
            return launch_hello(f.output().levels[0], frame, f.stream);
        const auto& out = f.output().host_levels[0]; // the CPU implementation: the same texels
        for (std::uint32_t y = 0; y < out.extent.height; ++y)
            for (std::uint32_t x = 0; x < out.extent.width; ++x) {
                const std::uint32_t texel = hello_texel(x, y, out.extent.width, out.extent.height, frame);
                std::memcpy(out.data + y * out.pitch + x * 4, &texel, 4);
            }
    }

private:
    compute::SimulationDesc desc_{.name = "hello", .description = "moving stripes from a CUDA kernel", .has_cpu = true};
};

} // namespace hello_interop
