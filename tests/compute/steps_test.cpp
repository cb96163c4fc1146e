// FrameContext::steps on the CPU implementation of every built-in sample: a paused frame (steps == 0) writes what
// the frame before it wrote and does not advance the state; one frame of three steps writes what the third of
// three single-step frames writes, and the frames after it go on alike.

#include "host_run.hpp"

#include <gtest/gtest.h>

using namespace cuvk;

namespace {

struct Case {
    std::string label; // test name suffix
    std::string sample;
    std::map<std::string, float> overrides; // small runs: CI has 2 cores
};

// Test listings show the label, not the struct's bytes.
void PrintTo(const Case& c, std::ostream* os) {
    *os << c.label;
}

std::vector<Case> cases() {
    return {{"gray_scott", "gray-scott", {}},
            {"gray_scott_odd_substeps", "gray-scott", {{"substeps", 7.0f}}},
            {"fluid", "fluid", {}},
            {"particles", "particles", {{"count", 1024.0f}}},
            {"waves", "waves", {{"grid", 32.0f}, {"rain", 2.0f}}}, // a drop every other step: the clock shows
            {"fractal", "fractal", {}},
            {"fill", "fill", {}}};
}

constexpr core::Extent2D kExtent{67, 45}; // not a multiple of any block

} // namespace

class StepsTest : public ::testing::TestWithParam<Case> {
protected:
    test::HostRun run() const { return test::HostRun(GetParam().sample, kExtent, GetParam().overrides); }
};

TEST_P(StepsTest, APausedFrameRewritesThePreviousOutputAndTheStateDoesNotAdvance) {
    auto plain = run();
    std::vector<std::vector<std::byte>> expected;
    for (int k = 0; k < 4; ++k)
        expected.push_back(plain.frame(1));
    // The frames move, so the comparisons below can fail.
    ASSERT_NE(expected[1], expected[2]);
    ASSERT_NE(expected[2], expected[3]);

    auto paused = run();
    EXPECT_EQ(paused.frame(1), expected[0]);
    EXPECT_EQ(paused.frame(1), expected[1]);
    EXPECT_EQ(paused.frame(0), expected[1]) << "a paused frame writes the state again";
    EXPECT_EQ(paused.frame(0), expected[1]) << "a second paused frame too";
    EXPECT_EQ(paused.frame(1), expected[2]) << "after the pause the run goes on where it stopped";
    EXPECT_EQ(paused.frame(1), expected[3]);
}

TEST_P(StepsTest, PausedFromTheStartTheFirstStepIsTheFirstFrame) {
    auto plain = run();
    const auto first = plain.frame(1);
    auto paused = run();
    const auto initial = paused.frame(0);
    EXPECT_EQ(paused.frame(0), initial);
    EXPECT_EQ(paused.frame(1), first);
}

TEST_P(StepsTest, ThreeStepsInOneFrameEqualThreeFramesOfOneStep) {
    auto plain = run();
    std::vector<std::vector<std::byte>> expected;
    for (int k = 0; k < 5; ++k)
        expected.push_back(plain.frame(1));
    ASSERT_NE(expected[0], expected[2]);

    auto fast = run();
    EXPECT_EQ(fast.frame(3), expected[2]) << "the frame shows the state after its last step";
    EXPECT_EQ(fast.frame(1), expected[3]) << "the next frame goes on from there";
    EXPECT_EQ(fast.frame(0), expected[3]);
    EXPECT_EQ(fast.frame(1), expected[4]);
}

INSTANTIATE_TEST_SUITE_P(Samples, StepsTest, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.label; });
