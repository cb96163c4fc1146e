// On a GPU whose CUDA device matches the Vulkan device: for every sample, the interop backend (timeline and binary
// semaphores) and the staging backend draw the same frames as the CPU reference within the sample's tolerance,
// for every ring size 1..8 and in batch mode. Skips with the probe's reasons elsewhere.

#include "engine/headless_runner.hpp"
#include "interop/cuda_device.hpp"
#include "engine/image_diff.hpp"
#include "engine/sample_registry.hpp"
#include "support/vk_fixture.hpp"

#include <gtest/gtest.h>
#include <map>

using namespace cuvk;

namespace {

constexpr core::Extent2D kExtent{320, 180};
constexpr std::uint32_t kFrames = 12;
const std::vector<std::string> kSets = {"count=262144", "grid=128"};

std::string sample_name(const ::testing::TestParamInfo<const compute::SampleSpec*>& info) {
    std::string n(info.param->name);
    std::replace(n.begin(), n.end(), '-', '_');
    return n;
}

} // namespace

class BackendsGpuTest : public test::VulkanTest, public ::testing::WithParamInterface<const compute::SampleSpec*> {
protected:
    void SetUp() override {
        VulkanTest::SetUp();
        if (auto why = test::interop_skip_reason(ctx()); !why.empty())
            GTEST_SKIP() << "interop unavailable: " << why;
    }
    engine::RunInfo run(engine::Backend backend) const {
        const auto& spec = *GetParam();
        return {.sample = &spec,
                .params = engine::resolve_params(spec, kSets, true),
                .backend = backend,
                .extent = kExtent,
                .frames = kFrames};
    }
};

TEST_P(BackendsGpuTest, InteropAndStagingMatchTheCpuReferenceForEveryRingSize) {
    const auto& spec = *GetParam();
    const auto reference = engine::run_headless(ctx(), run(engine::Backend::cpu)).last_frame;
    struct Case {
        engine::Backend backend;
        engine::SyncMode sync;
        std::uint32_t n, batch;
    };
    std::vector<Case> cases;
    for (std::uint32_t n = 1; n <= 8; ++n) {
        cases.push_back({engine::Backend::interop, engine::SyncMode::timeline, n, 1});
        cases.push_back({engine::Backend::interop, engine::SyncMode::binary, n, 1});
        cases.push_back({engine::Backend::staging, engine::SyncMode::timeline, n, 1});
    }
    cases.push_back({engine::Backend::interop, engine::SyncMode::timeline, 8, 4});
    cases.push_back({engine::Backend::interop, engine::SyncMode::binary, 8, 8});
    cases.push_back({engine::Backend::staging, engine::SyncMode::timeline, 6, 3});
    for (const auto& c : cases) {
        auto r = run(c.backend);
        r.sync = c.sync;
        r.frames_in_flight = c.n;
        r.batch = c.batch;
        const auto result = engine::run_headless(ctx(), r);
        const auto diff = engine::compare_images(result.last_frame, reference, spec.tolerance);
        EXPECT_TRUE(diff.passed) << engine::to_string(c.backend) << " " << engine::to_string(c.sync) << " N=" << c.n
                                 << " batch=" << c.batch << ": " << diff.message;
        EXPECT_GT(result.simulation.samples, 0u);
    }
}

INSTANTIATE_TEST_SUITE_P(Samples, BackendsGpuTest,
                         ::testing::ValuesIn(engine::all_samples().begin(), engine::all_samples().end()), sample_name);

// Split mode: simulate on a second GPU, copy peer-to-peer into the display GPU's shared memory.
TEST_P(BackendsGpuTest, SplitModeMatchesTheCpuReference) {
    if (interop::list_cuda_devices().devices.size() < 2)
        GTEST_SKIP() << "split mode needs two CUDA devices; this machine has "
                     << interop::list_cuda_devices().devices.size();
    const auto& spec = *GetParam();
    const auto reference = engine::run_headless(ctx(), run(engine::Backend::cpu)).last_frame;
    for (const auto sync : {engine::SyncMode::timeline, engine::SyncMode::binary})
        for (const std::uint32_t n : {1u, 3u}) {
            auto r = run(engine::Backend::split);
            r.sync = sync;
            r.frames_in_flight = n;
            const auto result = engine::run_headless(ctx(), r);
            const auto diff = engine::compare_images(result.last_frame, reference, spec.tolerance);
            EXPECT_TRUE(diff.passed) << engine::to_string(sync) << " N=" << n << ": " << diff.message;
            EXPECT_NE(result.backend_note.find("split"), std::string::npos) << result.backend_note;
        }
}
