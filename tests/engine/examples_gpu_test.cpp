// The examples' simulations (examples/*/), written against the public API only, on interop: every frame equals
// their own CPU implementation for every ring size 1..8, one frame per submission and in batches of N (and on
// staging); likewise a simulation with two outputs, the second one shown.

#include "custom-particles/swarm.hpp"
#include "hello-interop/hello.hpp"

#include "cuvk/engine/headless_runner.hpp"
#include "cuvk/engine/image_diff.hpp"
#include "support/vk_fixture.hpp"

#include <cstring>
#include <functional>
#include <gtest/gtest.h>

using namespace cuvk;

namespace {

struct Example {
    std::string name;
    std::function<std::unique_ptr<compute::Simulation>()> make;
    std::vector<float> params; // empty: defaults
    std::size_t display_output = 0;
};

// hello-interop's kernel into two outputs of different sizes: every output of a slot is shared and handed over.
class TwoHellos final : public compute::Simulation {
public:
    const compute::SimulationDesc& desc() const override { return desc_; }
    std::vector<compute::OutputSpec> outputs(const compute::SimulationInfo& info) const override {
        return {{.extent = info.extent}, {.extent = {info.extent.width / 2 + 1, info.extent.height / 3 + 1}}};
    }
    void start(const compute::SimulationInfo&, compute::CudaStream) override {}
    void stop() override {}
    void step(compute::FrameContext& f) override {
        for (const auto& out : f.outputs) {
            const auto frame = std::uint32_t(f.frame.value);
            if (f.stream) {
                hello_interop::launch_hello(out.levels[0], frame, f.stream);
                continue;
            }
            const auto& level = out.host_levels[0];
            for (std::uint32_t y = 0; y < level.extent.height; ++y)
                for (std::uint32_t x = 0; x < level.extent.width; ++x) {
                    const std::uint32_t t =
                        hello_interop::hello_texel(x, y, level.extent.width, level.extent.height, frame);
                    std::memcpy(level.data + y * level.pitch + x * 4, &t, 4);
                }
        }
    }

private:
    compute::SimulationDesc desc_{.name = "two-hellos", .has_cpu = true};
};

std::vector<Example> examples() {
    return {{"hello_interop", [] { return std::make_unique<hello_interop::Hello>(); }, {}},
            {"custom_particles", [] { return std::make_unique<custom_particles::Swarm>(); }, {50000.0f, 0.01f}},
            {"two_outputs_second_shown", [] { return std::make_unique<TwoHellos>(); }, {}, 1}};
}

} // namespace

class ExamplesGpuTest : public test::VulkanTest, public ::testing::WithParamInterface<Example> {
protected:
    void SetUp() override {
        VulkanTest::SetUp();
        if (auto why = test::interop_skip_reason(ctx()); !why.empty())
            GTEST_SKIP() << "interop unavailable: " << why;
    }
    std::vector<render::Pixels> frames(engine::RunInfo info) {
        std::vector<render::Pixels> out;
        info.params = GetParam().params;
        info.display_output = GetParam().display_output;
        info.extent = {320, 200};
        info.frames = 10;
        info.capture_every = 1;
        info.on_capture = [&](std::uint64_t, const render::Pixels& p) { out.push_back(p); };
        (void)engine::run_headless(ctx(), GetParam().make(), info);
        return out;
    }
};

TEST_P(ExamplesGpuTest, InteropEqualsTheCpuImplementationInEveryFrame) {
    const auto reference = frames({.backend = engine::Backend::cpu});
    ASSERT_EQ(reference.size(), 10u);
    EXPECT_FALSE(engine::compare_images(reference.front(), reference.back(), {}).passed) << "frames must change";
    struct Case {
        engine::Backend backend;
        std::uint32_t n, batch;
    };
    std::vector<Case> cases;
    for (std::uint32_t n = 1; n <= 8; ++n) {
        cases.push_back({engine::Backend::interop, n, 1});
        if (n > 1)
            cases.push_back({engine::Backend::interop, n, n});
    }
    cases.push_back({engine::Backend::staging, 3, 3});
    for (const auto& c : cases) {
        const auto got = frames({.backend = c.backend, .frames_in_flight = c.n, .batch = c.batch});
        ASSERT_EQ(got.size(), reference.size());
        for (std::size_t k = 0; k < got.size(); ++k) {
            const auto d = engine::compare_images(got[k], reference[k], {});
            EXPECT_TRUE(d.passed) << engine::to_string(c.backend) << " N=" << c.n << " batch=" << c.batch << " frame "
                                  << k << ": " << d.message;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Examples, ExamplesGpuTest, ::testing::ValuesIn(examples()),
                         [](const auto& info) { return info.param.name; });
