// cuvk-stress on a GPU whose CUDA device matches the Vulkan device (skips with the probe's reasons elsewhere), with
// the validation layer and synchronization validation on:
// - every producer (one stream, a graph with external-semaphore nodes patched per launch, streams joined by events)
//   against every consumer (graphics queue, compute queue, two queues), timeline and binary, images and buffers, with
//   fan-in, fan-out and wait-before-signal: every frame verified, none torn, stale or corrupt;
// - the checker fails when it must: with the checking consumer's wait dropped and CUDA pausing between the two halves
//   of each frame, frames are reported torn (and stale), never all verified;
// - the tool's CUDA conformance matrix, faults and churn are clean on the GPU, and so is a resize storm of an interop
//   ring (its exported slots re-created 60 times while it runs);
// - phases side by side in lanes (StressRunner::run_lanes) are as clean, and a dropped wait is still caught.

#include "cuvk/engine/resize_storm.hpp"
#include "cuvk/engine/stress_runner.hpp"
#include "cuvk/engine/stress_tool.hpp"
#include "cuvk/interop/conformance.hpp"
#include "cuvk/interop/cuda_device.hpp"
#include "support/vk_fixture.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <iostream>
#include <optional>

using namespace cuvk;

namespace {

struct PairCase {
    engine::StressProducer producer;
    engine::StressConsumer consumer;
};

void PrintTo(const PairCase& c, std::ostream* os) {
    *os << engine::to_string(c.producer) << "_" << engine::to_string(c.consumer);
}

class StressGpuTest : public test::VulkanTest {
protected:
    void SetUp() override {
        VulkanTest::SetUp();
        if (auto why = test::interop_skip_reason(ctx()); !why.empty())
            GTEST_SKIP() << why;
        cuda_ = interop::select_cuda_device(ctx());
    }
    engine::StressPhaseResult run(const engine::StressPhase& phase, bool drop_wait = false) {
        engine::StressRunner runner(ctx(), cuda_, {.drop_wait = drop_wait, .name = "stress-test"});
        const auto r = runner.run(phase, 0, 100);
        std::cout << "frames " << r.frames << " pairs " << r.pairs << " verified " << r.verify.verified << " torn "
                  << r.verify.torn << " stale " << r.verify.stale << " corrupt " << r.verify.corrupt << " in "
                  << r.seconds << " s" << (r.ran ? "" : " not supported: " + r.not_supported) << "\n";
        return r;
    }
    interop::CudaDevice cuda_;
};

class StressPairTest : public StressGpuTest, public ::testing::WithParamInterface<PairCase> {};

engine::StressPhase phase_for(const PairCase& c, engine::SyncMode sync, bool image, std::uint32_t fan) {
    engine::StressPhase p;
    p.sync = sync;
    p.producer = c.producer;
    p.consumer = c.consumer;
    p.frames_in_flight = sync == engine::SyncMode::timeline ? 3 : 2;
    p.fan_in = fan;
    p.fan_out = fan;
    p.image = image;
    p.extent = image ? core::Extent2D{333, 127} : core::Extent2D{1000, 61};
    p.frames = 40;
    p.wait_before_signal = sync == engine::SyncMode::timeline && fan == 1;
    p.pacing = engine::HostPacing(std::uint32_t(c.producer) % 3);
    p.producer_delay_us.assign(p.frames, 0);
    p.consumer_delay_us.assign(p.frames, 0);
    p.producer_delay_us[5] = 300;
    p.consumer_delay_us[9] = 300;
    return p;
}

} // namespace

TEST_P(StressPairTest, EveryFrameVerified) {
    const auto c = GetParam();
    for (const auto sync : {engine::SyncMode::timeline, engine::SyncMode::binary}) {
        for (const bool image : {true, false}) {
            for (const std::uint32_t fan : {1u, 2u}) {
                SCOPED_TRACE(std::string(engine::to_string(sync)) + (image ? " image" : " buffer") + " fan " +
                             std::to_string(fan));
                const auto r = run(phase_for(c, sync, image, fan));
                if (!r.ran && c.consumer != engine::StressConsumer::graphics && !ctx().compute_queue())
                    GTEST_SKIP() << r.not_supported;
                ASSERT_TRUE(r.ran) << r.not_supported;
                EXPECT_EQ(r.frames, 40u);
                EXPECT_EQ(r.verify.verified, 40u);
                EXPECT_TRUE(r.verify.clean());
                EXPECT_GE(r.pairs, 40u * fan * fan);
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(AllPairs, StressPairTest,
                         ::testing::Values(PairCase{engine::StressProducer::stream, engine::StressConsumer::graphics},
                                           PairCase{engine::StressProducer::stream, engine::StressConsumer::compute},
                                           PairCase{engine::StressProducer::stream, engine::StressConsumer::two_queues},
                                           PairCase{engine::StressProducer::graph, engine::StressConsumer::graphics},
                                           PairCase{engine::StressProducer::graph, engine::StressConsumer::compute},
                                           PairCase{engine::StressProducer::graph, engine::StressConsumer::two_queues},
                                           PairCase{engine::StressProducer::streams, engine::StressConsumer::graphics},
                                           PairCase{engine::StressProducer::streams, engine::StressConsumer::compute},
                                           PairCase{engine::StressProducer::streams,
                                                    engine::StressConsumer::two_queues}),
                         [](const auto& info) {
                             std::string name = std::string(engine::to_string(info.param.producer)) + "_" +
                                                engine::to_string(info.param.consumer);
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST_F(StressGpuTest, ADroppedWaitIsReportedTorn) {
    engine::StressPhase p;
    p.sync = engine::SyncMode::timeline;
    p.frames_in_flight = 2;
    p.fan_in = 2; // CUDA writes the top half, pauses, writes the bottom half
    p.extent = {512, 512};
    p.frames = 48;
    p.pacing = engine::HostPacing::cuda_event; // the host stays near CUDA, so checks meet frames being written
    p.producer_delay_us.assign(p.frames, 3000);
    const auto r = run(p, /*drop_wait=*/true);
    ASSERT_TRUE(r.ran) << r.not_supported;
    EXPECT_LT(r.verify.verified, r.frames) << "a check that does not wait must see unfinished frames";
    EXPECT_GT(r.verify.torn, 0u) << "stale " << r.verify.stale << ", corrupt " << r.verify.corrupt;
}

TEST_F(StressGpuTest, ScheduledPhasesFromASeedAreClean) {
    engine::StressRunner runner(ctx(), cuda_, {.name = "stress-test"});
    const auto schedule =
        engine::make_schedule(20261203, {.phases = 6, .max_frames = 64, .max_side = 512, .max_delay_us = 400});
    engine::StressTotals totals;
    std::uint32_t first = 16;
    for (std::uint32_t i = 0; i < schedule.phases.size(); ++i) {
        const auto r = runner.run(schedule.phases[i], i, first);
        first += schedule.phases[i].frames + 16;
        totals.add(r);
        EXPECT_TRUE(r.verify.clean()) << schedule.describe();
    }
    EXPECT_EQ(totals.phases_not_supported == 0 || !ctx().compute_queue(), true);
    EXPECT_EQ(totals.verify.verified, totals.frames) << schedule.describe();
    EXPECT_GT(totals.frames, 0u);
}

TEST_F(StressGpuTest, PhasesSideBySideInLanesAreClean) {
    engine::StressRunner runner(ctx(), cuda_, {.name = "stress-lanes"});
    const auto schedule =
        engine::make_schedule(77, {.phases = 9, .max_frames = 96, .max_side = 512, .max_delay_us = 400});
    std::uint32_t taken = 0, first = 16;
    std::vector<engine::StressPhaseResult> results;
    runner.run_lanes(
        3,
        [&]() -> std::optional<engine::StressJob> {
            if (taken == schedule.phases.size())
                return std::nullopt;
            engine::StressJob job{.phase = schedule.phases[taken], .index = taken, .first_frame = first};
            first += job.phase.frames + 16;
            ++taken;
            return job;
        },
        [&](engine::StressPhaseResult r) { results.push_back(std::move(r)); });
    ASSERT_EQ(results.size(), schedule.phases.size()) << "every phase is reported once";
    for (const auto& r : results) {
        const auto& phase = schedule.phases[r.index];
        if (!r.ran) {
            EXPECT_FALSE(ctx().compute_queue()) << r.not_supported;
            continue;
        }
        EXPECT_EQ(r.frames, phase.frames) << "phase " << r.index;
        EXPECT_EQ(r.verify.verified, r.frames) << "phase " << r.index << "\n" << schedule.describe();
        EXPECT_TRUE(r.verify.clean()) << "phase " << r.index << "\n" << schedule.describe();
    }
}

TEST_F(StressGpuTest, ADroppedWaitIsCaughtWithLanesSideBySide) {
    // The phase of ADroppedWaitIsReportedTorn in lane 0, a phase without pauses beside it in lane 1: stepping lanes in
    // turn must not hide the fault, and each lane's result is its own.
    engine::StressPhase faulty;
    faulty.frames_in_flight = 2;
    faulty.fan_in = 2;
    faulty.extent = {512, 512};
    faulty.frames = 48;
    faulty.pacing = engine::HostPacing::cuda_event;
    faulty.producer_delay_us.assign(faulty.frames, 3000);
    engine::StressPhase steady = faulty;
    steady.frames_in_flight = 1; // the check waits for the first part; the second part follows at once
    steady.fan_in = 2;
    steady.producer_delay_us.assign(steady.frames, 0);
    engine::StressRunner runner(ctx(), cuda_, {.drop_wait = true, .name = "stress-lanes"});
    std::vector<engine::StressJob> jobs{{.phase = faulty, .index = 0, .first_frame = 100},
                                        {.phase = steady, .index = 1, .first_frame = 1000}};
    std::vector<engine::StressPhaseResult> results(2);
    std::size_t taken = 0;
    runner.run_lanes(
        2,
        [&]() -> std::optional<engine::StressJob> {
            if (taken == jobs.size())
                return std::nullopt;
            return jobs[taken++];
        },
        [&](engine::StressPhaseResult r) { results[r.index] = std::move(r); });
    ASSERT_TRUE(results[0].ran) << results[0].not_supported;
    EXPECT_GT(results[0].verify.torn, 0u) << "the lane whose CUDA pauses mid-frame is caught";
    EXPECT_EQ(results[0].frames, 48u);
    EXPECT_EQ(results[1].frames, 48u) << "the other lane ran to its end";
}

TEST_F(StressGpuTest, ConformanceFaultsAndChurnAreClean) {
    auto second = test::make_test_context("stress-second");
    auto report = interop::run_vulkan_conformance(ctx(), *second);
    interop::run_cuda_conformance(report, ctx(), *second, cuda_, CUVK_STRESS_PATH);
    std::cout << report.describe();
    EXPECT_EQ(report.count(interop::Conformance::failed), 0u) << report.describe();
    for (const auto& c : report.checks)
        if (c.name.find("backwards") == std::string::npos) { // invalid usage: drivers differ
            EXPECT_EQ(c.outcome, interop::Conformance::supported) << c.name << ": " << c.detail;
        }
    const auto faults = interop::run_fault_checks(ctx(), *second, &cuda_, CUVK_STRESS_PATH);
    std::cout << faults.describe();
    EXPECT_EQ(faults.failed(), 0u) << faults.describe();
    (void)ctx().take_validation_messages(); // the faults are invalid on purpose
    (void)second->take_validation_messages();
    const auto churn = interop::run_churn(ctx(), *second, &cuda_, 1000);
    std::cout << churn.describe() << "\n";
    EXPECT_EQ(churn.leaked_fds(), 0) << churn.describe();
    EXPECT_EQ(churn.leaked_bytes(), 0) << churn.describe();
    (void)ctx().take_validation_messages();
    (void)second->take_validation_messages();
}

TEST_F(StressGpuTest, AResizeStormOnInteropLeavesResourcesFlat) {
    const auto report = engine::run_resize_storm(
        ctx(), &cuda_, {.backend = engine::Backend::interop, .resizes = 60, .frames_per_size = 3, .seed = 4});
    std::cout << report.describe() << "\n";
    EXPECT_EQ(report.frames, 180u);
    EXPECT_EQ(report.leaked_fds(), 0) << report.describe();
    EXPECT_EQ(report.leaked_bytes(), 0) << report.describe();
}

// Every shared image format written by CUDA (core::stress_texel through a surface) is verified by Vulkan bit for bit.
TEST_F(StressGpuTest, EveryImageFormatIsVerified) {
    for (const auto format : {core::StressFormat::rgba8, core::StressFormat::bgra8, core::StressFormat::rgba16f,
                              core::StressFormat::rgba32f, core::StressFormat::r32f}) {
        SCOPED_TRACE(engine::to_string(format));
        engine::StressPhase p;
        p.format = format;
        p.extent = {301, 77};
        p.fan_in = 2;
        p.frames = 24;
        const auto r = run(p);
        if (!r.ran && format == core::StressFormat::bgra8) {
            std::cout << "bgra8: " << r.not_supported << "\n";
            continue;
        }
        ASSERT_TRUE(r.ran) << r.not_supported;
        EXPECT_EQ(r.verify.verified, 24u);
        EXPECT_TRUE(r.verify.clean());
    }
}
