#include "cuvk/engine/headless_runner.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/engine/frame_loop.hpp"
#include "cuvk/engine/target.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

namespace cuvk::engine {
namespace {

using Clock = std::chrono::steady_clock;

RingInfo ring_info(const RunInfo& info) {
    return {.backend = info.backend,
            .extent = info.extent,
            .params = info.params,
            .frames_in_flight = info.frames_in_flight,
            .sync = info.sync,
            .seed = info.seed,
            .cuda_device = info.cuda_device,
            .sim_device = info.sim_device,
            .display_output = info.display_output,
            .host_wait = info.host_wait,
            .timed_every = info.timed_every.value_or(info.batch),
            .fault = info.fault};
}

bool captured(const RunInfo& info, std::uint64_t k) {
    return (info.capture_last && k + 1 == info.frames) || (info.capture_every > 0 && k % info.capture_every == 0);
}

std::uint64_t captured_count(const RunInfo& info) {
    if (info.capture_every == 0)
        return info.capture_last ? 1 : 0;
    const bool last_extra = info.capture_last && (info.frames - 1) % info.capture_every != 0;
    return (info.frames - 1) / info.capture_every + 1 + (last_extra ? 1 : 0);
}

} // namespace

std::vector<compute::OutputSpec> check_run(const render::Context& ctx, const compute::Simulation& simulation,
                                           const RunInfo& info) {
    if (info.frames == 0)
        core::fail_usage("--frames must be at least 1");
    const auto output = FrameRing::validate(ctx, simulation, ring_info(info));
    if (info.batch < 1 || info.batch > info.frames_in_flight)
        core::fail_usage("--batch " + std::to_string(info.batch) + " must be between 1 and --frames-in-flight (" +
                         std::to_string(info.frames_in_flight) + "): a batch holds one ring slot per frame");
    const std::uint64_t bytes = captured_count(info) * info.extent.pixels() * 4;
    if (bytes > kMaxCapturedBytes)
        core::fail_usage("keeping " + std::to_string(captured_count(info)) + " captured frames of " +
                         core::to_string(info.extent) + " needs " + std::to_string(bytes >> 20) +
                         " MiB, over the limit of " + std::to_string(kMaxCapturedBytes >> 20) +
                         " MiB: capture fewer frames (--png-every) or a smaller size");
    return output;
}

RunResult run_headless(const render::Context& ctx, std::unique_ptr<compute::Simulation> simulation,
                       const RunInfo& info) {
    if (!simulation)
        core::fail("run_headless: no simulation");
    (void)check_run(ctx, *simulation, info);
    const std::string name = simulation->desc().name;

    std::vector<std::pair<std::uint64_t, render::Pixels>> captures;
    FrameRing ring(ctx, std::move(simulation), ring_info(info));
    OffscreenTarget target(
        ctx,
        {.extent = info.extent,
         .readbacks = info.capture_every > 0 ? info.frames_in_flight : 1,
         .capture = [&](core::FrameIndex k) { return captured(info, k.value); },
         .on_capture = [&](core::FrameIndex k, render::Pixels&& p) { captures.emplace_back(k.value, std::move(p)); },
         // Only what the draw needs: an image output is composited by compute into a storage-only target.
         .raster = drawn_by_raster(ring.output().kind, info.points),
         .name = name + ".target"});
    FrameRing* rings[] = {&ring};
    FrameLoop loop(ctx, target, rings,
                   {.batch = info.batch, .frames = info.frames, .points = info.points, .name = name});
    // The loop and the ring leak what they own when a failure leaves GPU work that never finishes; the target,
    // destroyed between them, must too.
    struct AbandonTargetIfHung {
        FrameRing& ring;
        OffscreenTarget& target;
        ~AbandonTargetIfHung() {
            if (std::uncaught_exceptions() == 0)
                return;
            bool idle = false;
            try {
                idle = ring.wait({~0ull}, std::chrono::seconds(5)) == render::WaitOutcome::reached;
            } catch (...) { // a lost device: nothing can be known to be finished
            }
            if (!idle)
                target.abandon();
        }
    } guard{ring, target};

    RunResult result;
    result.backend = info.backend;
    result.backend_note = ring.backend_note();
    std::vector<double> host_ms;
    const std::uint64_t frames = info.frames;
    const std::uint64_t warmup = warmup_frames(frames, info.frames_in_flight, info.batch);
    Clock::time_point steady_start = Clock::now();
    bool measuring = false;
    std::uint64_t measured_from = 0;
    while (loop.next_frame().value < frames) {
        const std::uint64_t k = loop.next_frame().value;
        if (info.stop && info.stop->load()) {
            loop.finish();
            core::fail_interrupted("stopped at frame " + std::to_string(k) + " of " + name);
        }
        if (!measuring && k >= warmup) {
            measuring = true;
            measured_from = k;
            steady_start = Clock::now();
            loop.restart_timings(); // frames of the warm-up that retire later are left out too
        }
        const auto count = std::uint32_t(std::min<std::uint64_t>(info.batch, frames - k));
        const auto start = Clock::now();
        loop.advance(count);
        if (measuring) {
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
            host_ms.insert(host_ms.end(), count, ms / count);
        }
    }
    loop.finish();
    const double seconds = std::chrono::duration<double>(Clock::now() - steady_start).count();
    const std::uint64_t measured = frames - measured_from;
    result.fps = seconds > 0.0 && measured > 0 ? double(measured) / seconds : 0.0;
    auto& timings = loop.timings().front();
    result.simulation = summarize(std::move(timings.simulation_ms));
    result.draw = summarize(std::move(timings.draw_ms));
    result.latency_ms = timings.latency_ms;
    result.latency = summarize(std::move(timings.latency_ms));
    result.host_frame = summarize(std::move(host_ms));
    // Outside the timed loop: hand the captures over.
    for (auto& [k, pixels] : captures) {
        if (info.on_capture)
            info.on_capture(k, pixels);
        if (k + 1 == frames)
            result.last_frame = std::move(pixels);
    }
    return result;
}

} // namespace cuvk::engine
