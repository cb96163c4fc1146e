// On a GPU whose CUDA device matches the Vulkan device: the samples that take pointer input (gray-scott, fluid),
// driven through a FrameRing with the same pointer strokes and the steps pattern 1, 0, 3, 1, ... (paused frames and
// several steps per frame), draw the same frames on the interop backend as on the cpu backend, within the sample's
// tolerance. Skips with the probe's reasons elsewhere.

#include "cuvk/engine/frame_loop.hpp"
#include "cuvk/engine/image_diff.hpp"
#include "cuvk/engine/registry.hpp"
#include "cuvk/engine/target.hpp"
#include "support/vk_fixture.hpp"

#include <gtest/gtest.h>
#include <map>

using namespace cuvk;

namespace {

constexpr core::Extent2D kExtent{320, 180};
constexpr std::uint32_t kFrames = 24;
constexpr std::uint32_t kInFlight = 3;
constexpr std::uint32_t kSteps[] = {1, 0, 3, 1}; // frame k takes kSteps[k % 4]

struct Case {
    std::string label; // test name suffix
    std::string sample;
    std::vector<std::string> sets; // --set values
};

// Test listings show the label, not the struct's bytes.
void PrintTo(const Case& c, std::ostream* os) {
    *os << c.label;
}

const engine::Registry& registry() {
    static const auto r = engine::Registry::with_builtins();
    return r;
}

// The pointer events delivered before frame k is produced: a left drag across the middle over frames 2..9 (two
// events per frame, so order within a frame matters; some land before paused frames), a right drag down the middle
// over frames 13..16, nothing after.
std::vector<compute::PointerEvent> events_before(std::uint32_t k) {
    std::vector<compute::PointerEvent> out;
    if (k >= 2 && k < 10) {
        for (int half = 0; half < 2; ++half) {
            const float step = float((k - 2) * 2 + half);
            const float dx = step == 0.0f ? 0.0f : 0.025f, dy = step == 0.0f ? 0.0f : 0.01f;
            out.push_back({.x = 0.3f + 0.025f * step, .y = 0.42f + 0.01f * step, .dx = dx, .dy = dy, .buttons = 1});
        }
    }
    if (k >= 13 && k < 17) {
        const float step = float(k - 13);
        out.push_back({.x = 0.5f, .y = 0.3f + 0.1f * step, .dy = step == 0.0f ? 0.0f : 0.1f, .buttons = 2});
    }
    return out;
}

} // namespace

class InteractionGpuTest : public test::VulkanTest, public ::testing::WithParamInterface<Case> {
protected:
    void SetUp() override {
        VulkanTest::SetUp();
        if (auto why = test::interop_skip_reason(ctx()); !why.empty())
            GTEST_SKIP() << "interop unavailable: " << why;
    }

    // Every frame of the scripted run on `backend`, in order.
    std::vector<render::Pixels> frames(engine::Backend backend) {
        const auto& desc = registry().desc(GetParam().sample);
        engine::FrameRing ring(ctx(), registry().make(GetParam().sample),
                               {.backend = backend,
                                .extent = kExtent,
                                .params = engine::resolve_params(desc, GetParam().sets),
                                .frames_in_flight = kInFlight});
        std::vector<render::Pixels> got;
        engine::OffscreenTarget target(
            ctx(), {.extent = kExtent,
                    .readbacks = kInFlight,
                    .capture = [](core::FrameIndex) { return true; },
                    .on_capture = [&](core::FrameIndex, render::Pixels&& p) { got.push_back(std::move(p)); }});
        {
            engine::FrameRing* rings[] = {&ring};
            engine::FrameLoop loop(ctx(), target, rings);
            for (std::uint32_t k = 0; k < kFrames; ++k) {
                ring.set_steps(kSteps[k % 4]);
                for (const auto& e : events_before(k))
                    ring.pointer(e);
                loop.advance(1);
            }
            loop.finish();
        }
        return got;
    }
};

TEST_P(InteractionGpuTest, InteropMatchesTheCpuReferenceWithPausesStepsAndStrokes) {
    const auto reference = frames(engine::Backend::cpu);
    ASSERT_EQ(reference.size(), kFrames);
    // The script does something: a paused frame without strokes repeats the frame before it, a stroke shows.
    EXPECT_TRUE(engine::compare_images(reference[17], reference[16], {}).passed) << "frame 17: paused, no stroke";
    EXPECT_FALSE(engine::compare_images(reference[5], reference[4], {}).passed) << "frame 5: paused, strokes";

    const auto got = frames(engine::Backend::interop);
    ASSERT_EQ(got.size(), reference.size());
    const compute::Tolerance tolerance = registry().desc(GetParam().sample).tolerance;
    for (std::size_t k = 0; k < got.size(); ++k) {
        const auto d = engine::compare_images(got[k], reference[k], tolerance);
        EXPECT_TRUE(d.passed) << "frame " << k << " (steps " << kSteps[k % 4] << "): " << d.message;
    }
}

INSTANTIATE_TEST_SUITE_P(Samples, InteractionGpuTest,
                         ::testing::Values(Case{"gray_scott", "gray-scott", {}},
                                           Case{"gray_scott_odd_substeps", "gray-scott", {"substeps=7"}},
                                           Case{"fluid", "fluid", {}}),
                         [](const auto& info) { return info.param.label; });
