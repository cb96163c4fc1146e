#pragma once
// cuvk::engine::StressRunner — runs a StressSchedule's phases between CUDA producers and Vulkan consumers and checks
// every frame on the GPU (cuvk-stress; DESIGN.md, the frame ring's handoff without the ring's conveniences).
//
// Per phase it creates `frames_in_flight` shared slots (images of the phase's format, or buffers of words), the
// semaphores (timeline: one `produced` per part the producer signals, one `consumed` per consumer that waits — fan-in
// and fan-out; binary: the same per slot), streams, graphs, command buffers and fences; then runs the phase's frames:
//   CUDA (stream | graph | streams joined by events): wait every `consumed` of frame k-N, write
//   core::stress_pattern(k) over the slot part by part (a delay kernel between the first and second part, or before
//   the write), signal each part's `produced`;
//   Vulkan (graphics | compute | two queues): the checking consumer waits for every part, takes the slot from
//   VK_QUEUE_FAMILY_EXTERNAL, delays if the schedule says so, runs render::FrameVerifier and hands the slot back,
//   signalling its `consumed` and fence; each further consumer (fan-out) waits the same signals and signals its own.
// The host paces itself by the phase's rule (fence, CUDA event, or polling the Vulkan-signalled counter) and never
// waits on a CUDA-signalled value. Verdicts stay on the GPU and are read once per phase.
// Needs: a Context made with ContextInfo::compute_queue (else compute and two-queue phases are reported not
// supported) and the paired CUDA device; both outlive the runner. Throws core::Error on any Vulkan or CUDA failure
// (the phase's objects are released first); a phase that cannot run here is a value (StressPhaseResult), not a throw.
// Thread: run() and run_lanes() on one thread; probe() from any thread (the watchdog's).

#include "cuvk/engine/stress_schedule.hpp"
#include "cuvk/interop/cuda_device.hpp"
#include "cuvk/render/context.hpp"
#include "cuvk/render/frame_verifier.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cuvk::engine {

struct StressRunInfo {
    // Called with the step the run enters (a string literal), for a Watchdog.
    std::function<void(const char* step)> progress;
    // Asked between frames; true ends the phase early (its frames so far still count).
    std::function<bool()> stop;
    // The fault the checker must catch (tests): the checking consumer does not wait for CUDA's signal of the last part
    // (of the only part, with fan-in 1; timeline phases only), so it reads slots CUDA may still be writing.
    bool drop_wait = false;
    // The hang the watchdog must report (tests): at the phase's 6th frame CUDA waits for a `consumed` value nobody
    // will signal, so both sides stop (timeline phases only). Nothing in the process can end that wait.
    bool withhold_signal = false;
    std::string name = "stress";
};

struct StressPhaseResult {
    std::uint32_t index = 0;
    bool ran = false;
    std::string not_supported;   // why the phase could not run here (it did not), else empty
    std::uint64_t frames = 0;    // frames produced and checked
    std::uint64_t pairs = 0;     // semaphore signal/wait pairs (each wait of a signalled value or binary signal)
    render::VerifyTotals verify; // this phase's verdicts
    double seconds = 0; // wall time from the first frame to the drain (with lanes, shared with the other phases)
};

struct StressTotals {
    std::uint64_t frames = 0, pairs = 0;
    render::VerifyTotals verify;
    std::uint32_t phases_run = 0, phases_not_supported = 0;
    double seconds = 0;
    void add(const StressPhaseResult& r) {
        if (!r.ran) {
            ++phases_not_supported;
            return;
        }
        ++phases_run;
        frames += r.frames;
        pairs += r.pairs;
        verify += r.verify;
        seconds += r.seconds;
    }
};

// One phase for StressRunner::run_lanes, with its index in the report and the number of its first frame.
struct StressJob {
    StressPhase phase;
    std::uint32_t index = 0;
    std::uint32_t first_frame = 0; // keep frame numbers distinct across phases
};

class StressRunner {
public:
    StressRunner(const render::Context& ctx, const interop::CudaDevice& cuda, StressRunInfo info = {});
    ~StressRunner();
    StressRunner(const StressRunner&) = delete;
    StressRunner& operator=(const StressRunner&) = delete;

    // Empty when this device pair can run phases with `sync` at all, else why not (e.g. semaphore export missing).
    std::string support(SyncMode sync) const;
    // Runs one phase; `first_frame` numbers its first frame (keep numbers distinct across phases).
    StressPhaseResult run(const StressPhase& phase, std::uint32_t index, std::uint32_t first_frame);
    // Runs phases side by side, up to `lanes` at once, all from this thread: each lane takes the next job from `next`
    // (nullopt: no more) when its phase ends, and `done` receives each result as its phase ends. The lanes share the
    // queues, the CUDA context and the GPU, as the rings of an app that shows several simulations do, so one pair of
    // context switches serves several lanes' frames; the host steps whichever lane's next slot is free. A failure in
    // any lane releases every lane's objects (after unblocking their queues) and throws.
    void run_lanes(std::uint32_t lanes, const std::function<std::optional<StressJob>()>& next,
                   const std::function<void(StressPhaseResult)>& done);

    // The state a hang report needs: phase, frame each side reached, and the semaphores' current values.
    std::string probe() const;

private:
    class PhaseRun;
    struct Live;
    const render::Context& ctx_;
    interop::CudaDevice cuda_;
    StressRunInfo info_;
    std::unique_ptr<Live> live_; // what probe() reads while a phase runs
};

} // namespace cuvk::engine
