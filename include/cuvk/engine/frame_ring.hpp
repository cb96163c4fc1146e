#pragma once
// cuvk::engine::FrameRing — one simulation's frames in flight between CUDA (or the CPU) and Vulkan.
//
// Owns: the simulation; N slots, each holding what one frame shows (its output image with all mip levels, or its
// vertex buffer) and a Vulkan command buffer and fence; the backend that fills the slots (interop: Vulkan memory
// imported by CUDA, written in place; staging: CUDA memory copied through host-visible Vulkan memory; cpu: the
// CPU implementation writing host-visible Vulkan memory); the CUDA stream; the `produced` / `consumed` timeline
// semaphores (or a binary pair per slot); and every piece of timeline arithmetic (DESIGN.md, "The frame ring").
// Needs: the Context, which must outlive it.
// Throws: core::Error — usage errors for settings out of range or a backend the simulation lacks; Vulkan/CUDA
// failures naming the call.
//
// Frame k uses slot k mod N. produce(k) enqueues it: CUDA waits on the GPU until Vulkan has consumed frame k-N
// (consumed >= k+1-N; once per value, as a batch signals only its last frame's), steps the simulation into the slot;
// the host does not wait (cpu and staging write host-visible memory, so there the host waits for frame k-N's fence
// first). Vulkan's submission of frames [first, last] first has CUDA signal produced = h+1 for the last frame h
// produced (h >= last; one signal per submission, after everything enqueued), then waits produced >= last+1 at the
// stage that reads the slots and signals consumed = last+1 and the fence of the slot of `last`. The host paces itself
// only on those fences (never on a value CUDA signals: ~10 ms per wait on the H100).
//
// Threads: one thread drives a ring. Teardown waits (bounded, 5 s) for submitted Vulkan work and for the CUDA
// stream, then stops the simulation (Simulation::stop) and destroys the CUDA side before the Vulkan side; if the GPU
// does not finish, everything is leaked rather than destroyed in use, and the device should be treated as lost.

#include "cuvk/compute/simulation.hpp"
#include "cuvk/engine/backend.hpp"
#include "cuvk/render/commands.hpp"
#include "cuvk/render/context.hpp"
#include "cuvk/render/image.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cuvk::engine {

// For tests of the ring itself: faults that break the handoff on purpose, to prove the tests see it.
enum class RingFault {
    none,
    skip_consumed_wait, // CUDA overwrites a slot without waiting for Vulkan to finish reading it
    skip_copy_wait,     // staging and cpu on a transfer queue: the frame is drawn without waiting for its copy
};

struct RingInfo {
    Backend backend = Backend::cpu;     // interop, split, staging or cpu (resolve automatic first)
    core::Extent2D extent{1280, 720};   // the size the simulation is displayed at
    std::vector<float> params;          // one per ParamSpec within range; empty: the defaults
    std::uint32_t frames_in_flight = 3; // N slots, 1..8
    SyncMode sync = SyncMode::timeline; // interop and split only
    std::uint32_t seed = 1;
    double time_step = 1.0 / 60.0;  // simulated seconds per frame (FrameContext::time)
    std::optional<int> cuda_device; // force the display GPU's CUDA ordinal (refused unless it matches Vulkan's)
    std::optional<int> sim_device;  // split: the simulating CUDA ordinal (default: another GPU)
    std::size_t display_output = 0; // which of the simulation's outputs a FrameLoop draws (all are produced)
    std::string name;               // debug names and errors; default: the simulation's name
    render::HostWait host_wait = render::HostWait::block; // how the host waits for the ring's fences
    // Which frames are timed (FrameRing::timed; CUDA events around the simulation, and a FrameLoop's timestamps
    // around the draw): one in every `timed_every` consecutive frames (timed_frame), 1 every frame, 0 none. Timing a
    // frame is GPU work: ~7 µs per frame on the H200, a tenth of a small frame in throughput mode
    // (docs/performance.md); run_headless times one frame per batch.
    std::uint32_t timed_every = 1;
    RingFault fault = RingFault::none; // tests only
};

// Whether frame k is timed when one frame in every `every` is: the one at place (k / every) mod every of its group of
// `every` consecutive frames, so that over `every` groups each place in the group is timed once. Where batches of
// `every` frames start at multiples of `every` (run_headless), each batch has one timed frame and its place turns (the
// batch's first frame starts earliest and its last latest: a fixed place would bias the latencies); batches that
// start elsewhere get zero, one or two. every = 1: every frame; 0: none.
bool timed_frame(core::FrameIndex k, std::uint32_t every) noexcept;

// What Vulkan draws from a slot: an image (with all its mip levels, GENERAL layout while drawn) or a vertex buffer.
struct SlotOutput {
    const render::Image* image = nullptr;
    VkBuffer vertices = VK_NULL_HANDLE; // a vertex buffer, or a linear image's texels (OutputSpec::linear)
};

// The stage and access at which Vulkan reads or writes something.
struct StageScope {
    VkPipelineStageFlags2 stage = VK_PIPELINE_STAGE_2_NONE;
    VkAccessFlags2 access = VK_ACCESS_2_NONE;
};

class Producer; // the backend (internal)
struct Handoff; // one frame's handoff (internal)

class FrameRing {
public:
    FrameRing(const render::Context& ctx, std::unique_ptr<compute::Simulation> simulation, const RingInfo& info);
    ~FrameRing();
    FrameRing(const FrameRing&) = delete;
    FrameRing& operator=(const FrameRing&) = delete;

    // Checks `info` against the simulation and the device as the constructor does, without creating anything:
    // returns the outputs a ring would hold (usage errors name what is wrong).
    static std::vector<compute::OutputSpec> validate(const render::Context& ctx, const compute::Simulation& simulation,
                                                     const RingInfo& info);

    const RingInfo& info() const noexcept { return info_; }
    const std::string& name() const noexcept { return info_.name; }
    std::uint32_t size() const noexcept { return info_.frames_in_flight; }
    compute::Simulation& simulation() noexcept { return *simulation_; }
    const compute::Simulation& simulation() const noexcept { return *simulation_; }
    // Every output of a frame (1..8, the simulation's order), and the one a FrameLoop draws (RingInfo::display_output).
    const std::vector<compute::OutputSpec>& outputs() const noexcept { return outputs_; }
    const compute::OutputSpec& output() const noexcept { return outputs_[info_.display_output]; }
    // One line on how the backend runs here (e.g. whether staging memory could be registered); may be empty.
    std::string backend_note() const;

    std::uint32_t slot_of(core::FrameIndex k) const noexcept { return std::uint32_t(k.value % size()); }
    // The frame produce() takes next (frames are produced in order, from 0, also across resize()).
    core::FrameIndex next_frame() const noexcept { return next_frame_; }
    // The first frame not submitted yet (frames before it have been submitted, or dropped by resize()).
    core::FrameIndex next_to_submit() const noexcept;
    // True when the backend gains from frames produced ahead of the one submitted (staging: CUDA simulates and
    // copies the next frames while the host waits for this one's copy); a FrameLoop then runs up to N - B ahead.
    bool produces_ahead() const;
    // What Vulkan draws from slot s: output `output`, by default the displayed one.
    const SlotOutput& slot(std::uint32_t s) const { return slot(s, info_.display_output); }
    const SlotOutput& slot(std::uint32_t s, std::size_t output) const;

    // Frames go through these in order, k = 0, 1, 2, ...:
    // 1. Enqueue frame k (see above): at most N frames after the last one submitted.
    void produce(core::FrameIndex k);
    //    The same in two halves, for code that writes the frame's outputs itself: after begin_produce(k) the slot is
    //    free (on the ring's stream, or on the host for cpu and staging) and Simulation::step has run; the outputs
    //    may be written on the ring's stream until end_produce(k) hands them over (Vulkan sees them once the
    //    submission that draws frame k has CUDA signal `produced`). Nothing else of the ring may be called in between.
    void begin_produce(core::FrameIndex k);
    void end_produce(core::FrameIndex k);
    // 2. Frame k's command buffer, reset and begun; waits (host) for frame k-N's submission first. Record the draw
    //    between record_acquire() and record_release(), which hand the slot from and back to the producer.
    VkCommandBuffer begin_commands(core::FrameIndex k);
    void record_acquire(VkCommandBuffer cmd, core::FrameIndex k) const;
    void record_release(VkCommandBuffer cmd, core::FrameIndex k) const;
    // 3. One submission of the frames [first, last] (each recorded and ended), with the target's semaphores added.
    void submit(core::FrameIndex first, core::FrameIndex last,
                std::span<const render::SemaphoreSubmit> extra_waits = {},
                std::span<const render::SemaphoreSubmit> extra_signals = {});
    // 4. Host wait for the submission that drew frame k (a fence this ring signalled). For a frame not submitted
    //    yet, waits for everything submitted.
    render::WaitOutcome wait(core::FrameIndex k, std::chrono::nanoseconds timeout);
    // Whether frame k is timed (RingInfo::timed_every).
    bool timed(core::FrameIndex k) const noexcept { return timed_frame(k, info_.timed_every); }
    // After wait(k) reached: the simulation's GPU (or host) time for frame k, if timed and still known (never blocks).
    std::optional<double> simulation_ms(core::FrameIndex k);

    // New parameter values (one per ParamSpec, each within range; usage error otherwise) for the frames produced next.
    void set_params(std::span<const float> params);
    const std::vector<float>& params() const noexcept { return params_; }
    // Steps the simulation advances per frame for the frames produced next (FrameContext::steps): 0 pauses it (each
    // frame writes the same state again), 1 is the default, up to kMaxStepsPerFrame. Usage error beyond.
    static constexpr std::uint32_t kMaxStepsPerFrame = 64;
    void set_steps(std::uint32_t steps);
    std::uint32_t steps() const noexcept { return steps_; }
    // Steps taken by the frames produced so far (FrameContext::time is this times the time step).
    std::uint64_t steps_taken() const noexcept { return steps_taken_; }
    // A new display size: waits for the ring's work (finish()), re-creates every slot for the simulation's outputs
    // at that size and calls Simulation::on_resize on the ring's stream. Frame numbering goes on; frames produced
    // and not submitted (a staging ring's frames produced ahead) are dropped, their slots being gone. A FrameLoop
    // that draws this ring holds views of the old slots: make a new one after resizing.
    void resize(core::Extent2D extent);
    // Pointer input over the displayed output (the viewer's mouse), for the frames produced next.
    void pointer(const compute::PointerEvent& event);

    // Waits for every submitted frame and all CUDA work of the ring (before reading results or tearing down).
    void finish();

    // CUDA faults: a kernel that traps or touches memory it must not leaves CUDA's context with a sticky error, and
    // `produced` would never be signalled for the frames after it. wait() looks for that every 20 ms while it waits;
    // once seen, the ring gives up its frames in flight (see abandon_cuda_frames) and produce() throws a core::Error
    // (Api::cuda, the error by name) until the context is recovered (engine::recover_from_cuda_fault).
    // The sticky error of the ring's context by name, or empty (always for the cpu backend). Never blocks.
    std::string cuda_fault() const;
    // Why the ring cannot be carried through a reset of its context (split mode, binary semaphores); empty if it can.
    std::string cuda_recovery_refusal() const;
    // The CUDA device the ring's CUDA side lives on; -1 for the cpu backend.
    int cuda_ordinal() const;
    // Recovery, in this order for every ring of the context (recover_from_cuda_fault runs it):
    // 1. Frames produced, or being produced, are given up: `produced` is signalled from the host so that Vulkan's
    //    submissions go on (drawing what the slots held); then waits (bounded) for every submitted frame.
    void abandon_cuda_frames();
    // 2. In the faulted context: stops the simulation (Simulation::stop, on_cuda_lost) and releases every CUDA object
    //    of the ring (stream, events, imports); the Vulkan slots, semaphores, fences and command buffers stay.
    void release_cuda(const std::string& error) noexcept;
    // 3. After the caller reset the context: imports the same slots and semaphores again, on a new stream, and starts
    //    the simulation over at the ring's size and parameters. Frame numbers and timeline values go on.
    void import_cuda();

private:
    Handoff handoff(core::FrameIndex k) const; // what the producer is told of frame k (the timeline arithmetic)
    // wait() in slices, looking for a CUDA fault between them (Vulkan waits on values CUDA signals).
    render::WaitOutcome wait_watching_cuda(VkFence fence, std::chrono::nanoseconds timeout);
    // Signals `produced` from the host for every frame begun (CUDA will signal none of them after a fault).
    void abandon_produced();

    const render::Context& ctx_;
    RingInfo info_;
    std::string fence_name_, frame_name_; // names in errors and debug labels, made once (not per frame)
    std::vector<float> params_;
    std::vector<compute::OutputSpec> outputs_;
    // Creation order, destroyed in reverse: the producer (CUDA side: stream, imports, semaphores) stops and
    // synchronizes the simulation before the simulation dies; fences and command buffers outlive neither.
    std::unique_ptr<compute::Simulation> simulation_;
    std::unique_ptr<Producer> producer_;
    render::CommandPool pool_;
    std::vector<VkCommandBuffer> commands_;
    std::vector<render::UniqueFence> fences_;
    std::vector<std::optional<std::uint32_t>> fence_of_slot_; // the fence of the submission that last drew the slot
    // The consumed value the submission that last drew the slot signals: a batch signals only its last frame's, so
    // every frame of the next batch that reuses one of its slots waits for that one value (and CUDA for it once).
    std::vector<core::TimelineValue> consumed_of_slot_;
    std::vector<bool> fence_pending_;           // submitted and not yet reset
    std::optional<core::FrameIndex> producing_; // between begin_produce and end_produce
    std::optional<core::FrameIndex> last_submitted_;
    core::FrameIndex dropped_to_; // resize() dropped the unsubmitted frames before this one
    core::FrameIndex next_frame_;
    std::uint32_t steps_ = 1;
    std::uint64_t steps_taken_ = 0;
    bool watch_cuda_ = false; // Vulkan's submissions wait for values CUDA signals (interop, split)
    std::string cuda_fault_;  // the fault seen, until the ring is recovered
};

} // namespace cuvk::engine
