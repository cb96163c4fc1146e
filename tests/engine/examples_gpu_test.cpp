// The examples' simulations (examples/*/), written against the public API only, on interop: every frame equals
// their own CPU implementation for every ring size 1..8, one frame per submission and in batches of N.

#include "custom-particles/swarm.hpp"
#include "hello-interop/hello.hpp"

#include "cuvk/engine/headless_runner.hpp"
#include "cuvk/engine/image_diff.hpp"
#include "support/vk_fixture.hpp"

#include <functional>
#include <gtest/gtest.h>

using namespace cuvk;

namespace {

struct Example {
    std::string name;
    std::function<std::unique_ptr<compute::Simulation>()> make;
    std::vector<float> params; // empty: defaults
};

std::vector<Example> examples() {
    return {{"hello_interop", [] { return std::make_unique<hello_interop::Hello>(); }, {}},
            {"custom_particles", [] { return std::make_unique<custom_particles::Swarm>(); }, {50000.0f, 0.01f}}};
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
    for (std::uint32_t n = 1; n <= 8; ++n)
        for (const std::uint32_t batch : {1u, n}) {
            const auto got = frames({.backend = engine::Backend::interop, .frames_in_flight = n, .batch = batch});
            ASSERT_EQ(got.size(), reference.size());
            for (std::size_t k = 0; k < got.size(); ++k) {
                const auto d = engine::compare_images(got[k], reference[k], {});
                EXPECT_TRUE(d.passed) << "N=" << n << " batch=" << batch << " frame " << k << ": " << d.message;
            }
        }
}

INSTANTIATE_TEST_SUITE_P(Examples, ExamplesGpuTest, ::testing::ValuesIn(examples()),
                         [](const auto& info) { return info.param.name; });
