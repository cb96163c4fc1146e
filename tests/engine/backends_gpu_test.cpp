// On a GPU whose CUDA device matches the Vulkan device: for every sample, the interop backend (timeline and binary
// semaphores) and the staging backend draw the same frames as the CPU reference within the sample's tolerance —
// every frame, for every ring size 1..8, one frame per submission and in batches of N. A ring whose CUDA side
// skips the `consumed` wait must be caught; particles drawn by the compute splat match too; staging rings are
// produced ahead of the batch drawn. Skips with the probe's reasons elsewhere.

#include "cuvk/compute/builtins.hpp"
#include "cuvk/engine/frame_loop.hpp"
#include "cuvk/engine/headless_runner.hpp"
#include "cuvk/engine/image_diff.hpp"
#include "cuvk/engine/micro_bench.hpp"
#include "cuvk/engine/registry.hpp"
#include "cuvk/interop/cuda_device.hpp"
#include "cuvk/interop/probe.hpp"
#include "cuvk/render/commands.hpp"
#include "gl_backend.hpp"
#include "support/vk_fixture.hpp"

#include <cstdio>
#include <gtest/gtest.h>
#include <map>

using namespace cuvk;

namespace {

constexpr core::Extent2D kExtent{320, 180};
constexpr std::uint32_t kFrames = 12;
const std::vector<std::string> kSets = {"count=262144", "grid=128"};

const engine::Registry& registry() {
    static const auto r = engine::Registry::with_builtins();
    return r;
}

std::string sample_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string n(info.param);
    std::replace(n.begin(), n.end(), '-', '_');
    return n;
}

} // namespace

class BackendsGpuTest : public test::VulkanTest, public ::testing::WithParamInterface<std::string> {
protected:
    void SetUp() override {
        VulkanTest::SetUp();
        if (auto why = test::interop_skip_reason(ctx()); !why.empty())
            GTEST_SKIP() << "interop unavailable: " << why;
    }
    engine::RunInfo run_info(engine::Backend backend) const {
        return {.params = engine::resolve_params(registry().desc(GetParam()), kSets, true),
                .backend = backend,
                .extent = kExtent,
                .frames = kFrames,
                .capture_every = 1};
    }
    // Every frame of a run, in order, on `on` (the fixture's context by default).
    std::vector<render::Pixels> frames(engine::RunInfo info, engine::RunResult* result = nullptr,
                                       const render::Context* on = nullptr) {
        std::vector<render::Pixels> out;
        info.on_capture = [&](std::uint64_t k, const render::Pixels& p) {
            EXPECT_EQ(k, out.size());
            out.push_back(p);
        };
        auto r = engine::run_headless(on ? *on : ctx(), registry().make(GetParam()), info);
        if (result)
            *result = std::move(r);
        return out;
    }
    // The first frame beyond tolerance, as text; empty when every frame passes.
    std::string first_difference(const std::vector<render::Pixels>& actual,
                                 const std::vector<render::Pixels>& expected) const {
        if (actual.size() != expected.size())
            return std::to_string(actual.size()) + " frames, expected " + std::to_string(expected.size());
        for (std::size_t k = 0; k < actual.size(); ++k) {
            const auto d = engine::compare_images(actual[k], expected[k], registry().desc(GetParam()).tolerance);
            if (!d.passed)
                return "frame " + std::to_string(k) + ": " + d.message;
        }
        return {};
    }
};

TEST_P(BackendsGpuTest, InteropAndStagingMatchTheCpuReferenceInEveryFrameForEveryRingSize) {
    const auto reference = frames(run_info(engine::Backend::cpu));
    ASSERT_EQ(reference.size(), kFrames);
    struct Case {
        engine::Backend backend;
        engine::SyncMode sync;
        std::uint32_t n, batch;
    };
    std::vector<Case> cases;
    for (std::uint32_t n = 1; n <= 8; ++n)
        for (const std::uint32_t batch : {1u, n}) {
            if (batch == n && n == 1 && !cases.empty())
                continue;
            cases.push_back({engine::Backend::interop, engine::SyncMode::timeline, n, batch});
            cases.push_back({engine::Backend::interop, engine::SyncMode::binary, n, batch});
            cases.push_back({engine::Backend::staging, engine::SyncMode::timeline, n, batch});
        }
    for (const auto& c : cases) {
        auto info = run_info(c.backend);
        info.sync = c.sync;
        info.frames_in_flight = c.n;
        info.batch = c.batch;
        engine::RunResult result;
        const auto got = frames(info, &result);
        const auto why = first_difference(got, reference);
        EXPECT_TRUE(why.empty()) << engine::to_string(c.backend) << " " << engine::to_string(c.sync) << " N=" << c.n
                                 << " batch=" << c.batch << ": " << why;
        EXPECT_GT(result.simulation.samples, 0u);
    }
}

// A staging ring runs up to N - B frames ahead of the batch drawn, so that CUDA simulates and copies the next frames
// while the host waits for this batch's copies; an interop ring is never produced ahead (CUDA waits on the GPU).
// The frames stay those of the CPU reference (the test above, for every N and batch).
TEST_P(BackendsGpuTest, StagingProducesAheadAndInteropDoesNot) {
    if (GetParam() != "fill")
        GTEST_SKIP() << "one sample shows it: fill";
    for (const auto backend : {engine::Backend::staging, engine::Backend::interop})
        for (const auto& [n, batch] : {std::pair{1u, 1u}, std::pair{4u, 1u}, std::pair{8u, 4u}, std::pair{8u, 8u}}) {
            engine::FrameRing ring(ctx(), registry().make(GetParam()),
                                   {.backend = backend, .extent = kExtent, .frames_in_flight = n});
            engine::OffscreenTarget target(ctx(), {.extent = kExtent});
            engine::FrameRing* rings[] = {&ring};
            engine::FrameLoop loop(ctx(), target, rings, {.batch = batch, .frames = 3 * n});
            const std::uint32_t ahead = backend == engine::Backend::staging ? n - batch : 0;
            EXPECT_EQ(loop.lookahead(), ahead) << engine::to_string(backend) << " N=" << n << " B=" << batch;
            loop.advance(batch);
            EXPECT_EQ(ring.next_frame().value, batch + ahead) << engine::to_string(backend) << " N=" << n;
            EXPECT_EQ(ring.next_to_submit().value, batch);
            while (loop.next_frame().value < 3 * n)
                loop.advance(batch);
            EXPECT_EQ(ring.next_frame().value, 3 * n) << "nothing is produced beyond FrameLoopInfo::frames";
            loop.finish();
        }
    // Side by side in one loop (the viewer's panes): only the staging ring runs ahead.
    engine::FrameRing staging(ctx(), registry().make(GetParam()),
                              {.backend = engine::Backend::staging, .extent = kExtent, .frames_in_flight = 4});
    engine::FrameRing interop(ctx(), registry().make(GetParam()),
                              {.backend = engine::Backend::interop, .extent = kExtent, .frames_in_flight = 4});
    engine::OffscreenTarget target(ctx(), {.extent = kExtent});
    engine::FrameRing* rings[] = {&staging, &interop};
    engine::FrameLoop loop(ctx(), target, rings);
    loop.advance();
    EXPECT_EQ(staging.next_frame().value, 4u);
    EXPECT_EQ(interop.next_frame().value, 1u) << "an interop pane beside a staging pane is not produced ahead";
    interop.finish(); // nothing of interop waits to be submitted: it could be resized now
    loop.finish();
}

// Points are drawn by the compute splat by default (the test above), which reads the slot's vertex buffer as storage
// at the compute stage; the rasteriser, asked for, reads it as vertices. Interop (and staging) by raster match the
// CPU reference drawn the same way, in every frame, with 1 and 3 frames in flight and a batch of 3. Samples without
// points draw as before.
TEST_P(BackendsGpuTest, ParticlesByRasterMatchTheCpuReference) {
    auto ref_info = run_info(engine::Backend::cpu);
    ref_info.points = engine::PointsPath::raster;
    const auto reference = frames(ref_info);
    ASSERT_EQ(reference.size(), kFrames);
    for (const auto backend : {engine::Backend::interop, engine::Backend::staging})
        for (const auto& [n, batch] : {std::pair{1u, 1u}, std::pair{3u, 1u}, std::pair{3u, 3u}}) {
            auto info = run_info(backend);
            info.points = engine::PointsPath::raster;
            info.frames_in_flight = n;
            info.batch = batch;
            const auto why = first_difference(frames(info), reference);
            EXPECT_TRUE(why.empty()) << engine::to_string(backend) << " N=" << n << " batch=" << batch << ": " << why;
        }
}

// Where the device has a transfer-only queue family (NVIDIA's copy engines), the staging and cpu backends upload on
// it, beside the universal queue, with resources shared by both families and a timeline the frames wait on. Every
// frame equals the same ring's frames on a context without that queue (uploads inside each frame's submission), for
// one frame per submission, batches, and frames produced ahead; a copy missing, late or racing the draw differs.
TEST_P(BackendsGpuTest, UploadsOnTheCopyEngineDrawWhatTheUniversalQueueDraws) {
    if (ctx().transfer_queue() == VK_NULL_HANDLE)
        GTEST_SKIP() << "the device has no transfer-only queue family: uploads stay in each frame's submission";
    const auto universal = test::make_test_context("universal-uploads", false);
    ASSERT_EQ(universal->transfer_queue(), VK_NULL_HANDLE);
    engine::RunResult result;
    const auto reference = frames(run_info(engine::Backend::cpu), &result, universal.get());
    ASSERT_EQ(reference.size(), kFrames);
    for (const auto backend : {engine::Backend::cpu, engine::Backend::staging})
        for (const auto& [n, batch] : {std::pair{1u, 1u}, std::pair{3u, 1u}, std::pair{8u, 4u}, std::pair{8u, 8u}}) {
            auto info = run_info(backend);
            info.frames_in_flight = n;
            info.batch = batch;
            const auto why = first_difference(frames(info, &result), reference);
            EXPECT_TRUE(why.empty()) << engine::to_string(backend) << " N=" << n << " batch=" << batch << ": " << why;
            if (backend == engine::Backend::staging)
                EXPECT_NE(result.backend_note.find("transfer-only queue"), std::string::npos) << result.backend_note;
        }
    // The staging ring on the universal queue too, so that both paths are compared where they differ.
    auto info = run_info(engine::Backend::staging);
    info.frames_in_flight = 3;
    const auto why = first_difference(frames(info, &result, universal.get()), reference);
    EXPECT_TRUE(why.empty()) << "staging on the universal queue: " << why;
    EXPECT_NE(result.backend_note.find("inside each frame's submission"), std::string::npos) << result.backend_note;
    universal->wait_idle();
    const auto messages = universal->take_validation_messages();
    EXPECT_TRUE(messages.empty()) << "the validation layer reported " << messages.size()
                                  << " message(s) on the second context:\n"
                                  << test::format_messages(messages);
}

// The test above must be able to fail: drawn without waiting for its copy (RingFault::skip_copy_wait), a 4K frame is
// read while the copy engine is still writing it (a copy takes ~0.65 ms, the compositor's pass ~0.04 ms), so a frame
// differs from the reference or the synchronization validation reports the hazard.
TEST_P(BackendsGpuTest, DrawingBeforeTheCopyEndsIsCaught) {
    if (GetParam() != "fill")
        GTEST_SKIP() << "one sample shows it: fill";
    if (ctx().transfer_queue() == VK_NULL_HANDLE)
        GTEST_SKIP() << "the device has no transfer-only queue family: uploads stay in each frame's submission";
    constexpr core::Extent2D k4k{3840, 2160};
    const auto universal = test::make_test_context("universal-uploads", false);
    auto info = run_info(engine::Backend::staging);
    info.extent = k4k;
    info.frames = 6;
    info.frames_in_flight = 2;
    const auto reference = frames(info, nullptr, universal.get());
    ASSERT_EQ(reference.size(), 6u);
    EXPECT_TRUE(first_difference(frames(info), reference).empty()) << "with the wait, every frame matches";
    info.fault = engine::RingFault::skip_copy_wait;
    const auto why = first_difference(frames(info), reference);
    ctx().wait_idle();
    const auto messages = ctx().take_validation_messages(); // what the validation layer saw of the race
    EXPECT_TRUE(!why.empty() || !messages.empty()) << "drawing before the copy ended went unnoticed";
    std::printf("skip_copy_wait: %s; %zu validation message(s)\n", why.empty() ? "frames equal" : why.c_str(),
                messages.size());
    universal->wait_idle();
    EXPECT_TRUE(universal->take_validation_messages().empty());
}

// Holds each batch's Vulkan submission back until the next batch has been produced and CUDA has had 50 ms to run
// it: every submission also waits on a timeline `gate` that the host opens only then. With the consumed wait, CUDA
// waits for Vulkan and nothing changes; without it, CUDA overwrites every slot before Vulkan draws it. This makes
// the race below certain instead of a matter of GPU scheduling (on an H200 it rarely shows by itself).
class GatedTarget final : public engine::Target {
public:
    GatedTarget(const render::Context& ctx, const engine::OffscreenTargetInfo& info)
        : ctx_(ctx), inner_(ctx, info), gate_(render::create_timeline_semaphore(ctx, 0, "test.gate")) {}

    core::Extent2D extent() const override { return inner_.extent(); }
    std::span<const render::Image* const> images() const override { return inner_.images(); }
    // Before frame k is recorded (its batch is produced: CUDA, which needs no host wait, runs on for 50 ms), the
    // submissions of the frames before k may go.
    std::uint32_t begin_frame(core::FrameIndex k) override {
        if (k.value > opened_) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            open(k.value);
        }
        return inner_.begin_frame(k);
    }
    void record_end_frame(VkCommandBuffer cmd, core::FrameIndex k, std::uint32_t image,
                          engine::TargetState& state) override {
        inner_.record_end_frame(cmd, k, image, state);
    }
    void add_waits(core::FrameIndex k, std::vector<render::SemaphoreSubmit>& waits) override {
        waits.push_back({.semaphore = gate_.get(), .value = k.value + 1});
    }
    void on_retired(core::FrameIndex k) override { inner_.on_retired(k); }
    // Lets every submitted frame through (before the loop finishes).
    void open(std::uint64_t value) {
        const VkSemaphoreSignalInfo signal{
            .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO, .semaphore = gate_.get(), .value = value};
        ASSERT_EQ(vkSignalSemaphore(ctx_.device(), &signal), VK_SUCCESS);
        opened_ = value;
    }

private:
    const render::Context& ctx_;
    engine::OffscreenTarget inner_;
    render::UniqueSemaphore gate_;
    std::uint64_t opened_ = 0;
};

// The test above must be able to fail: without CUDA's wait for `consumed`, some frame shows the wrong contents.
TEST_P(BackendsGpuTest, SkippingTheConsumedWaitIsCaught) {
    if (GetParam() != "gray-scott")
        GTEST_SKIP() << "one sample shows it: gray-scott (every frame differs from the previous one)";
    const auto reference = frames(run_info(engine::Backend::cpu));
    for (const std::uint32_t n : {1u, 3u}) {
        for (const auto fault : {engine::RingFault::skip_consumed_wait, engine::RingFault::none}) {
            auto info = run_info(engine::Backend::interop);
            engine::FrameRing ring(ctx(), registry().make(GetParam()),
                                   {.backend = engine::Backend::interop,
                                    .extent = info.extent,
                                    .params = info.params,
                                    .frames_in_flight = n,
                                    .fault = fault});
            std::vector<render::Pixels> got;
            GatedTarget target(
                ctx(), {.extent = info.extent,
                        .readbacks = n,
                        .capture = [](core::FrameIndex) { return true; },
                        .on_capture = [&](core::FrameIndex, render::Pixels&& p) { got.push_back(std::move(p)); }});
            {
                engine::FrameRing* rings[] = {&ring};
                engine::FrameLoop loop(ctx(), target, rings, {.batch = n});
                while (loop.next_frame().value < kFrames)
                    loop.advance(std::min<std::uint32_t>(n, kFrames - std::uint32_t(loop.next_frame().value)));
                target.open(~0ull >> 1);
                loop.finish();
            }
            const auto why = first_difference(got, reference);
            if (fault == engine::RingFault::none)
                EXPECT_EQ(why, "") << "N=" << n << " with the consumed wait";
            else
                EXPECT_NE(why, "") << "N=" << n << ": without the consumed wait every frame was still right";
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Samples, BackendsGpuTest, ::testing::ValuesIn(compute::builtin_names()), sample_name);

// Split mode: simulate on a second GPU, copy peer-to-peer into the display GPU's shared memory.
TEST_P(BackendsGpuTest, SplitModeMatchesTheCpuReference) {
    if (interop::list_cuda_devices().devices.size() < 2)
        GTEST_SKIP() << "split mode needs two CUDA devices; this machine has "
                     << interop::list_cuda_devices().devices.size();
    const auto reference = frames(run_info(engine::Backend::cpu));
    for (const auto sync : {engine::SyncMode::timeline, engine::SyncMode::binary})
        for (const std::uint32_t n : {1u, 3u}) {
            auto info = run_info(engine::Backend::split);
            info.sync = sync;
            info.frames_in_flight = n;
            engine::RunResult result;
            const auto why = first_difference(frames(info, &result), reference);
            EXPECT_TRUE(why.empty()) << engine::to_string(sync) << " N=" << n << ": " << why;
            EXPECT_NE(result.backend_note.find("split"), std::string::npos) << result.backend_note;
        }
}

// The micro-benchmarks on the GPU: every one runs, times are positive and ordered (p50 <= p99), bandwidths are
// plausible for a GPU (above 10 GB/s), imported memory within a factor of two of CUDA's own (the bench reports the
// exact share), and the derived figures are there.
class MicroBenchGpu : public test::VulkanTest {};

TEST_F(MicroBenchGpu, EveryMeasurementRunsAndIsPlausible) {
    if (auto why = test::interop_skip_reason(ctx()); !why.empty())
        GTEST_SKIP() << "interop unavailable: " << why;
    const auto report = engine::run_micro_benchmarks(ctx(), {.iterations = 40, .bytes = 64u << 20});
    ASSERT_TRUE(report.not_run.empty()) << report.not_run;
    ASSERT_GE(report.results.size(), 15u);
    // CUDA-GL needs a headless GL context on the CUDA device (NVIDIA's EGL, which .gl/on-gpu.sh points at).
    const auto cuda = interop::probe(ctx()).cuda_ordinal;
    const std::string no_gl = engine::gl_unavailable(cuda);
    for (const auto& r : report.results) {
        if (r.name.starts_with("CUDA-GL") && !no_gl.empty()) {
            EXPECT_FALSE(r.not_run.empty()) << r.name;
            continue;
        }
        ASSERT_TRUE(r.not_run.empty()) << r.group << " / " << r.name << ": " << r.not_run;
        if (r.group == "oneway") // a few microseconds each way; the clocks' calibration may take about one off
            EXPECT_TRUE(r.p50_us > -10.0 && r.p50_us < 1000.0) << r.name << ": " << r.p50_us << " us";
        else
            EXPECT_GT(r.p50_us, 0) << r.name;
        EXPECT_LE(r.p50_us, r.p99_us) << r.name;
        EXPECT_GE(r.cpu_us, 0) << r.name;
        if (r.bytes > 0)
            EXPECT_GT(r.gb_per_s(), 10.0) << r.name;
    }
    std::map<std::string, double> derived;
    for (const auto& d : report.derived)
        derived[d.name] = d.value;
    ASSERT_EQ(derived.count("imported buffer bandwidth, share of cudaMalloc's"), 1u);
    EXPECT_GT(derived["imported buffer bandwidth, share of cudaMalloc's"], 50.0);
    EXPECT_GT(derived["imported image bandwidth, share of cudaArray's"], 50.0);
    EXPECT_EQ(derived.count("context switch, one way"), 1u);
    EXPECT_EQ(derived.count("round trip / alternating without semaphores"), 1u);
    EXPECT_EQ(derived.count("graph host time / stream host time"), 1u);
    EXPECT_EQ(derived.count("interop: each further resource per frame"), 1u);
    EXPECT_EQ(derived.count("CUDA-GL: each further resource per frame"), no_gl.empty() ? 1u : 0u) << no_gl;
}

// The floor ring runs the samples with one image output (fill, gray-scott) at every depth and batch, and refuses
// what it cannot draw with a reason.
TEST_F(MicroBenchGpu, TheFloorRingRunsTheSamplesItCanDraw) {
    if (auto why = test::interop_skip_reason(ctx()); !why.empty())
        GTEST_SKIP() << "interop unavailable: " << why;
    for (const std::string sample : {"fill", "gray-scott"})
        for (const auto& [n, batch] : {std::pair{1u, 1u}, std::pair{3u, 1u}, std::pair{8u, 8u}}) {
            const auto r = engine::run_floor(ctx(), registry().make(sample),
                                             {.extent = kExtent,
                                              .params = engine::resolve_params(registry().desc(sample), {}, true),
                                              .frames_in_flight = n,
                                              .batch = batch,
                                              .frames = 64});
            EXPECT_TRUE(r.not_run.empty()) << sample << ": " << r.not_run;
            EXPECT_GT(r.fps, 0) << sample << " N=" << n << " B=" << batch;
        }
    const auto particles = engine::run_floor(
        ctx(), registry().make("particles"),
        {.extent = kExtent, .params = engine::resolve_params(registry().desc("particles"), kSets, true)});
    EXPECT_NE(particles.not_run, "");
}
