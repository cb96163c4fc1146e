#pragma once
// A backend's side of the frame ring (internal to the engine): it fills slot s with frame k's output and tells the
// ring what the Vulkan submission that draws it must wait for and signal. The ring (frame_ring.cpp) decides every
// timeline value and hands them in; a producer never computes one.

#include "cuvk/engine/frame_ring.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace cuvk::engine {

struct ProducerInfo {
    compute::Simulation* simulation = nullptr; // owned by the ring; outlives the producer
    compute::SimulationInfo start;             // handed to Simulation::start (the spans outlive the constructor only)
    std::vector<compute::OutputSpec> outputs;  // what each frame writes, in the simulation's order (at least one)
    std::uint32_t slots = 3;
    SyncMode sync = SyncMode::timeline;
    std::optional<int> cuda_device; // force this CUDA ordinal for the display GPU (must be the Vulkan device's)
    bool split = false;             // interop only: simulate on another GPU and copy peer-to-peer (split mode)
    std::optional<int> sim_device;  // split: the simulating CUDA ordinal (default: the first other GPU)
    bool skip_copy_wait = false;    // tests (RingFault::skip_copy_wait): draw without waiting for the copies
    std::string name;
};

// One frame's handoff, as the ring computed it.
struct Handoff {
    core::FrameIndex frame;
    std::uint32_t slot = 0;
    bool slot_in_use = false;            // an earlier frame used the slot: wait until Vulkan consumed it
    core::TimelineValue wait_consumed;   // timeline: the consumed value that frees the slot (what the submission
                                         // that drew it signals: one value for every slot of a batch)
    core::TimelineValue signal_produced; // timeline: the produced value of this frame
    bool timed = true;                   // time the simulation (CUDA events; RingInfo::timed_every)
    double time = 0.0;                   // FrameContext::time
    std::uint32_t steps = 1;             // FrameContext::steps
    std::span<const float> params;
};

class Producer {
public:
    virtual ~Producer() = default;
    virtual const SlotOutput& slot(std::uint32_t s, std::size_t output) const = 0;
    // True when produce() writes memory the host sees (cpu, staging): the ring then waits on the host until the
    // slot's previous frame has retired. False when the GPU orders the reuse itself (interop).
    virtual bool writes_host_memory() const = 0;
    // True when frames produced ahead of the submitted one overlap with the host's waits (FrameRing::produces_ahead).
    virtual bool produces_ahead() const { return false; }
    // Frame h in two halves: begin_produce() waits (on the GPU, or the host for host memory) until the slot is free
    // and steps the simulation into it; the slot's outputs may then still be written on the ring's stream (the C ABI's
    // writers do) until end_produce() hands them to Vulkan (closes the frame's CUDA work, whose `produced` signal
    // prepare_submit() enqueues, or copies them to the host). Called in pairs, with the same h, one frame at a time.
    virtual void begin_produce(const Handoff& h) = 0;
    virtual void end_produce(const Handoff& h) = 0;
    void produce(const Handoff& h) {
        begin_produce(h);
        end_produce(h);
    }
    // Work before the submission that draws `slots`, after the ring's fence wait: staging waits for those frames'
    // D2H copies and submits the copies into the drawn resources; interop enqueues the one `produced` signal of the
    // submission (end_produce() does not signal it). Throws nothing for a context that has faulted (the ring's
    // wait sees the fault).
    virtual void prepare_submit(std::span<const std::uint32_t> slots) { (void)slots; }
    // Semaphores of that submission: wait for `produced` (timeline value, or each slot's binary), signal `consumed`.
    virtual void add_waits(std::span<const std::uint32_t> slots, core::TimelineValue produced,
                           std::vector<render::SemaphoreSubmit>& out) const = 0;
    virtual void add_signals(std::span<const std::uint32_t> slots, core::TimelineValue consumed,
                             std::vector<render::SemaphoreSubmit>& out) const = 0;
    // The handoff barriers around the draw (release_to_external / acquire_from_external for interop, the upload
    // copy for cpu and staging).
    virtual void record_acquire(VkCommandBuffer cmd, std::uint32_t s) const = 0;
    virtual void record_release(VkCommandBuffer cmd, std::uint32_t s) const = 0;
    // Simulation time of frame k once its submission has retired; nullopt when unknown. Never blocks.
    virtual std::optional<double> simulation_ms(core::FrameIndex k) = 0;
    // Forwards new parameter values or pointer input to the simulation (on its CUDA device), in stream order.
    virtual void params_changed(std::span<const float> params) = 0;
    virtual void pointer(const compute::PointerEvent& event) = 0;
    // Waits for all CUDA work (before reading results); a no-op for the cpu backend.
    virtual void finish() = 0;
    // Teardown: waits up to `timeout` for all CUDA work; false when it did not finish (the ring then leaks the
    // producer rather than destroy memory a hung kernel may still use).
    virtual bool drain(std::chrono::nanoseconds timeout) = 0;
    // After finish(): re-creates every slot for `outputs` and calls Simulation::on_resize with `start`.
    virtual void resize(const std::vector<compute::OutputSpec>& outputs, const compute::SimulationInfo& start) = 0;
    virtual std::string describe() const { return {}; }

    // CUDA faults (engine::recover_from_cuda_fault). The sticky error of the producer's CUDA context by name, or
    // empty while it is healthy (and always without CUDA). Never blocks.
    virtual std::string cuda_fault() const { return {}; }
    // Why this producer cannot be carried through a reset of its context; empty when it can (or holds no CUDA).
    virtual std::string recovery_refusal() const { return {}; }
    // After a fault, in this order: abandon() host-signals `produced` through `value` (frames CUDA will never finish,
    // so that Vulkan's waits are met); release_cuda() stops the simulation and releases every CUDA object in the
    // faulted context (Vulkan objects stay); the caller resets cuda_ordinal()'s context; import_cuda() imports the
    // same Vulkan memory and semaphores again, makes a new stream and starts the simulation over.
    virtual void abandon(core::TimelineValue value) { (void)value; }
    virtual void release_cuda(const std::string& error) noexcept { (void)error; }
    virtual int cuda_ordinal() const { return -1; }
    virtual void import_cuda(const compute::SimulationInfo& start) { (void)start; }
};

// Resets the primary context of CUDA device `ordinal` (after every object of it was released) and makes it current.
void reset_cuda_device(int ordinal);

std::unique_ptr<Producer> make_cpu_producer(const render::Context& ctx, const ProducerInfo& info);
// Both throw when cuvk was built without CUDA, or when no CUDA device matches the Vulkan device.
std::unique_ptr<Producer> make_interop_producer(const render::Context& ctx, const ProducerInfo& info);
std::unique_ptr<Producer> make_staging_producer(const render::Context& ctx, const ProducerInfo& info);

// Vulkan format of an image output.
VkFormat vk_format(compute::PixelFormat format);
// Where the drawing of an output of this kind reads a slot.
StageScope draw_read_scope(compute::OutputKind kind);

} // namespace cuvk::engine
