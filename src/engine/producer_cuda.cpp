// The two CUDA backends.
//
// interop: CUDA writes each ring slot's shared image (through surface objects, every mip level) or shared vertex
// buffer in place; `produced`/`consumed` semaphores, exported by Vulkan and imported by CUDA, order the two with
// no host wait (DESIGN.md, "The frame ring").
// staging: the honest baseline of an app without interop, at its best: CUDA writes memory of its own, an async
// D2H copy moves it straight into the slot's host-visible Vulkan staging buffer (registered with cudaHostRegister
// so the copy engine writes it directly; a pinned bounce buffer plus a host memcpy where registration is refused),
// frames overlap across slots, and Vulkan copies the staging buffer into the drawn resource. The host paces itself
// on CUDA events before each submission.

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/device_memory.hpp"
#include "cuvk/compute/stream.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/interop/handoff.hpp"
#include "cuvk/interop/shared_buffer.hpp"
#include "cuvk/interop/shared_image.hpp"
#include "cuvk/interop/shared_semaphore.hpp"
#include "producer.hpp"
#include "upload_slots.hpp"

#include <chrono>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>

namespace cuvk::engine {
namespace {

std::optional<double> elapsed_ms(cudaEvent_t start, cudaEvent_t end) {
    float ms = 0.0f;
    const cudaError_t r = cudaEventElapsedTime(&ms, start, end);
    if (r == cudaErrorNotReady || compute::is_context_fault(r)) { // a fault is the ring's to report, not a timing's
        (void)cudaGetLastError();
        return std::nullopt;
    }
    CUVK_CUDA(r, "simulation timing");
    return double(ms);
}

// Timing events of the last 2N frames, indexed by frame mod 2N: frame k's pair is read when k retires, which comes
// before frame k+2N records it again (that frame is produced only after frame k+N was recorded, which waited for
// frame k to retire). Reading never blocks. Only timed frames record theirs (Handoff::timed): an untimed frame's pair
// holds an older frame's events, so ask only for timed frames (FrameRing::simulation_ms does).
class FrameEvents {
public:
    FrameEvents(std::uint32_t slots, const std::string& name) {
        for (std::uint32_t s = 0; s < 2 * slots; ++s)
            pairs_.push_back(
                {compute::create_event(name + ".start", true), compute::create_event(name + ".end", true)});
    }
    cudaEvent_t start(core::FrameIndex k) const { return pairs_[k.value % pairs_.size()].start.get(); }
    cudaEvent_t end(core::FrameIndex k) const { return pairs_[k.value % pairs_.size()].end.get(); }
    std::optional<double> ms(core::FrameIndex k) const { return elapsed_ms(start(k), end(k)); }

private:
    struct Pair {
        compute::UniqueEvent start, end;
    };
    std::vector<Pair> pairs_;
};

// Steps the simulation into `outputs` on `stream` after frame k's first timing event; end_step() records the second
// once the frame's outputs are written (after anything written between the two halves of a produce). Frames not
// timed (Handoff::timed) record neither: the ring asks only timed frames for their time.
void step_simulation(compute::Simulation& sim, const Handoff& h, std::span<const compute::OutputView> outputs,
                     cudaStream_t stream, const FrameEvents& events) {
    if (h.timed)
        CUVK_CUDA(cudaEventRecord(events.start(h.frame), stream), "simulation timing");
    compute::FrameContext frame{
        .stream = stream, .frame = h.frame, .time = h.time, .steps = h.steps, .params = h.params, .outputs = outputs};
    sim.step(frame);
}
void end_step(const Handoff& h, cudaStream_t stream, const FrameEvents& events) {
    if (h.timed)
        CUVK_CUDA(cudaEventRecord(events.end(h.frame), stream), "simulation timing");
}

// Starts the simulation on `stream`; if start() throws, lets the stream finish and stops the simulation, so that
// nothing it enqueued outlives the stream (Simulation contract).
void start_simulation(compute::Simulation& sim, const compute::SimulationInfo& info, cudaStream_t stream) {
    try {
        sim.start(info, stream);
    } catch (...) {
        (void)cudaStreamSynchronize(stream);
        sim.stop();
        (void)cudaStreamSynchronize(stream);
        throw;
    }
}

// The context on `ordinal` is lost (a fault) and about to be reset: with that device current, a running simulation
// gets stop() and on_cuda_lost(), each whatever the other did (their errors mean nothing in a context that is gone;
// what on_cuda_lost releases must not outlive the reset), and the sticky error is cleared for the releases that follow.
void lose_simulation(int ordinal, compute::Simulation& sim, bool& started, const std::string& error) noexcept {
    (void)cudaSetDevice(ordinal); // may report the fault itself; the calls that follow go to this device anyway
    if (std::exchange(started, false)) {
        try {
            sim.stop();
        } catch (...) {
        }
        try {
            sim.on_cuda_lost(error);
        } catch (...) {
        }
    }
    (void)cudaGetLastError();
}

// A linear image's memory is held like a vertex buffer's: its view names it as pixels with their pitch instead.
compute::OutputView linear_view(const compute::OutputSpec& spec, compute::OutputView view) {
    if (spec.kind == compute::OutputKind::image && spec.linear) {
        view.device_pixels = view.device_vertices;
        view.device_pitch = std::size_t(spec.extent.width) * compute::bytes_per_texel(spec.format);
        view.device_vertices = nullptr;
    }
    return view;
}

// One output's slots in CUDA's own memory (the staging backend, and split mode's simulating GPU): per slot, a
// mipmapped array with a surface per level and a texture, or a stream-ordered vertex buffer. Created on the current
// device.
class CudaOutput {
public:
    CudaOutput(const compute::OutputSpec& out, std::uint32_t slots, cudaStream_t stream, const std::string& name)
        : spec_(out) {
        for (std::uint32_t s = 0; s < slots; ++s) {
            if (out.kind == compute::OutputKind::image && !out.linear) {
                const cudaChannelFormatDesc format = interop::channel_format_of(vk_format(out.format));
                cudaMipmappedArray_t mipmap = nullptr;
                CUVK_CUDA(cudaMallocMipmappedArray(&mipmap, &format, cudaExtent{out.extent.width, out.extent.height, 0},
                                                   out.mip_levels, cudaArraySurfaceLoadStore),
                          name);
                mipmaps_.emplace_back(mipmap);
                levels_.push_back(compute::make_mip_surfaces(mipmap, out.extent, out.mip_levels, name));
            } else {
                vertices_.push_back(compute::allocate_async(out.host_bytes(), stream, name));
                levels_.emplace_back();
            }
        }
    }

    const compute::OutputSpec& spec() const { return spec_; }
    compute::OutputView view(std::uint32_t s) const {
        return linear_view(spec_, {.spec = spec_,
                                   .levels = levels_[s].views,
                                   .texture = levels_[s].texture.get(),
                                   .device_vertices = vertices_.empty() ? nullptr : vertices_[s].get()});
    }
    cudaArray_t array(std::uint32_t s, std::uint32_t level) const { return levels_[s].arrays[level]; }
    void* vertices(std::uint32_t s) const { return vertices_[s].get(); }

private:
    compute::OutputSpec spec_;
    // Creation order per slot; surfaces and textures die before their arrays.
    std::vector<compute::UniqueMipmappedArray> mipmaps_;
    std::vector<compute::MipSurfaces> levels_;
    std::vector<compute::DeviceMemory> vertices_;
};

std::vector<CudaOutput> make_cuda_outputs(const ProducerInfo& info, cudaStream_t stream, const std::string& name) {
    std::vector<CudaOutput> out;
    for (std::size_t o = 0; o < info.outputs.size(); ++o)
        out.emplace_back(info.outputs[o], info.slots, stream, name + ".output" + std::to_string(o));
    return out;
}

std::vector<compute::OutputView> views_of(const std::vector<CudaOutput>& outputs, std::uint32_t s) {
    std::vector<compute::OutputView> views;
    for (const auto& o : outputs)
        views.push_back(o.view(s));
    return views;
}

// One output's slots in Vulkan memory that CUDA imports (interop): per slot a SharedImage (every mip level, surfaces
// and a texture) or a SharedBuffer, and the handoff barriers around Vulkan's reads of it.
class SharedOutput {
public:
    SharedOutput(const render::Context& ctx, const interop::CudaDevice& cuda, const compute::OutputSpec& out,
                 std::uint32_t slots, const std::string& name)
        : spec_(out), read_(draw_read_scope(out.kind)), family_(ctx.queue_family()) {
        const bool image = out.kind == compute::OutputKind::image && !out.linear;
        for (std::uint32_t s = 0; s < slots; ++s) {
            const std::string slot_name = name + ".slot" + std::to_string(s);
            if (image)
                images_.push_back(
                    interop::SharedImage::create(ctx, cuda,
                                                 {.extent = out.extent,
                                                  .format = vk_format(out.format),
                                                  .usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                                                  .mip_levels = out.mip_levels,
                                                  .name = slot_name}));
            else
                buffers_.push_back(interop::SharedBuffer::create(
                    ctx, cuda,
                    {.size = out.host_bytes(),
                     .usage = VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                              VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                     // storage: the compute splat; uniform texel: a linear image read by the compositor
                     .name = slot_name}));
        }
        for (std::uint32_t s = 0; s < slots; ++s) {
            SlotOutput o;
            if (image)
                o.image = &images_[s].image();
            else
                o.vertices = buffers_[s].vk();
            slots_.push_back(o);
        }
        collect_surfaces();
    }

    // After a fault: the CUDA half of every slot goes in the faulted context and comes back in the new one.
    void release_cuda() noexcept {
        surfaces_.clear();
        for (auto& i : images_)
            i.release_cuda();
        for (auto& b : buffers_)
            b.release_cuda();
    }
    void import_cuda(const interop::CudaDevice& cuda) {
        for (auto& i : images_)
            i.import_cuda(cuda);
        for (auto& b : buffers_)
            b.import_cuda(cuda);
        collect_surfaces();
    }

    const compute::OutputSpec& spec() const { return spec_; }
    StageScope read() const { return read_; }
    const SlotOutput& slot(std::uint32_t s) const { return slots_.at(s); }
    const interop::SharedImage* image(std::uint32_t s) const { return images_.empty() ? nullptr : &images_[s]; }
    void* vertices(std::uint32_t s) const { return buffers_.empty() ? nullptr : buffers_[s].cuda_ptr(); }
    compute::OutputView view(std::uint32_t s) const {
        return linear_view(spec_, {.spec = spec_,
                                   .levels = surfaces_[s],
                                   .texture = images_.empty() ? 0 : images_[s].texture(),
                                   .device_vertices = vertices(s)});
    }

    // Every slot starts owned by CUDA (images in GENERAL).
    void record_prepare(VkCommandBuffer cmd) const {
        for (const auto& i : images_)
            interop::prepare_for_external(cmd, i.vk(), family_);
        for (const auto& b : buffers_)
            interop::release_to_external(cmd, b.vk(), family_, VK_PIPELINE_STAGE_2_NONE, VK_ACCESS_2_NONE);
    }
    // The submission waits for `produced` at (at least) read().stage; the acquire barrier's first scope is that
    // stage, which orders the barrier after the wait.
    void record_acquire(VkCommandBuffer cmd, std::uint32_t s) const {
        if (!images_.empty())
            interop::acquire_from_external(cmd, images_[s].vk(), family_, read_.stage, read_.access);
        else
            interop::acquire_from_external(cmd, buffers_[s].vk(), family_, read_.stage, read_.access);
    }
    void record_release(VkCommandBuffer cmd, std::uint32_t s) const {
        if (!images_.empty())
            interop::release_to_external(cmd, images_[s].vk(), family_, read_.stage, VK_ACCESS_2_NONE);
        else
            interop::release_to_external(cmd, buffers_[s].vk(), family_, read_.stage, VK_ACCESS_2_NONE);
    }

private:
    void collect_surfaces() {
        surfaces_.assign(slots_.size(), {});
        for (std::size_t s = 0; s < images_.size(); ++s)
            for (std::uint32_t l = 0; l < spec_.mip_levels; ++l)
                surfaces_[s].push_back(images_[s].surface(l));
    }

    compute::OutputSpec spec_;
    StageScope read_;
    core::QueueFamily family_;
    // Creation order; the owner synchronizes the CUDA stream before they die.
    std::vector<interop::SharedImage> images_;
    std::vector<interop::SharedBuffer> buffers_;
    std::vector<SlotOutput> slots_;
    std::vector<std::vector<compute::SurfaceView>> surfaces_;
};

// Split mode: the simulation runs on a second GPU into memory of its own, and each frame is copied peer-to-peer
// into the display GPU's shared slot. The display GPU's stream orders it with the ring: `ready` (recorded after
// the consumed-wait) gates the simulating stream, and `copied` gates the produced-signal.
// Makes the display GPU current again when a scope that switched to the simulating GPU ends, also by exception.
struct RestoreDevice {
    int display;
    ~RestoreDevice() { (void)cudaSetDevice(display); }
};

class RemoteSimulation {
public:
    RemoteSimulation(const ProducerInfo& info, int display, int simulate)
        : info_(info), display_(display), restore_{display}, device_(interop::use_cuda_device(simulate)) {
        const std::string name = info.name + ".remote";
        int can_access = 0;
        CUVK_CUDA(cudaDeviceCanAccessPeer(&can_access, device_.ordinal, display), name);
        if (can_access) {
            const cudaError_t r = cudaDeviceEnablePeerAccess(display, 0);
            if (r != cudaErrorPeerAccessAlreadyEnabled)
                CUVK_CUDA(r, name + " peer access");
            (void)cudaGetLastError();
        }
        peer_access_ = can_access != 0;
        stream_ = compute::create_stream(name + ".stream");
        outputs_ = make_cuda_outputs(info, stream_.get(), name);
        events_.emplace(info.slots, name);
        for (std::uint32_t s = 0; s < info.slots; ++s)
            copied_.push_back(compute::create_event(name + ".copied"));
        start_simulation(*info.simulation, info.start, stream_.get());
        started_ = true;
        (void)interop::use_cuda_device(display);
    }

    ~RemoteSimulation() {
        (void)cudaSetDevice(device_.ordinal);
        (void)cudaStreamSynchronize(stream_.get());
        if (started_)
            info_.simulation->stop();
        outputs_.clear();
        (void)cudaStreamSynchronize(stream_.get());
        (void)cudaSetDevice(display_);
    }

    const interop::CudaDevice& device() const { return device_; }
    bool peer_access() const { return peer_access_; }

    // Enqueues slot s's frame after `ready` (an event of the display GPU), copies every output into the display
    // GPU's shared slots, and returns the event the display stream must wait for.
    cudaEvent_t produce(const Handoff& h, cudaEvent_t ready, const std::vector<SharedOutput>& shared) {
        const RestoreDevice restore{display_};
        CUVK_CUDA(cudaSetDevice(device_.ordinal), device_.name);
        cudaStream_t stream = stream_.get();
        const std::uint32_t s = h.slot;
        CUVK_CUDA(cudaStreamWaitEvent(stream, ready, 0), "split: wait for the display GPU");
        step_simulation(*info_.simulation, h, views_of(outputs_, s), stream, *events_);
        end_step(h, stream, *events_);
        for (std::size_t o = 0; o < outputs_.size(); ++o) {
            const auto& out = outputs_[o].spec();
            if (const auto* image = shared[o].image(s)) {
                for (std::uint32_t l = 0; l < out.mip_levels; ++l) {
                    const auto e = out.level_extent(l);
                    cudaMemcpy3DPeerParms copy{};
                    copy.srcArray = outputs_[o].array(s, l);
                    copy.srcDevice = device_.ordinal;
                    copy.dstArray = image->cuda_array(l);
                    copy.dstDevice = display_;
                    copy.extent = cudaExtent{e.width, e.height, 1};
                    CUVK_CUDA(cudaMemcpy3DPeerAsync(&copy, stream), "split: peer copy");
                }
            } else {
                CUVK_CUDA(cudaMemcpyPeerAsync(shared[o].vertices(s), display_, outputs_[o].vertices(s), device_.ordinal,
                                              out.host_bytes(), stream),
                          "split: peer copy");
            }
        }
        CUVK_CUDA(cudaEventRecord(copied_[s].get(), stream), "split: peer copy");
        return copied_[s].get();
    }

    std::optional<double> simulation_ms(core::FrameIndex k) { return events_->ms(k); }

    void params_changed(std::span<const float> params) {
        const RestoreDevice restore{display_};
        CUVK_CUDA(cudaSetDevice(device_.ordinal), device_.name);
        info_.simulation->on_params_changed(params);
    }

    void pointer(const compute::PointerEvent& event) {
        const RestoreDevice restore{display_};
        CUVK_CUDA(cudaSetDevice(device_.ordinal), device_.name);
        info_.simulation->on_pointer(event);
    }

    void finish() { compute::synchronize(stream_.get(), "split stream"); }
    bool drain(std::chrono::nanoseconds timeout) { return compute::drain(stream_.get(), timeout); }

    void resize(const std::vector<compute::OutputSpec>& outputs, const compute::SimulationInfo& start) {
        const RestoreDevice restore{display_};
        CUVK_CUDA(cudaSetDevice(device_.ordinal), device_.name);
        finish();
        info_.outputs = outputs;
        outputs_.clear();
        outputs_ = make_cuda_outputs(info_, stream_.get(), info_.name + ".remote");
        info_.simulation->on_resize(start, stream_.get());
    }

private:
    ProducerInfo info_;
    int display_;
    RestoreDevice restore_; // a constructor that throws on the simulating GPU leaves the display GPU current
    interop::CudaDevice device_;
    bool peer_access_ = false;
    // Creation order; the destructor synchronizes and stops the simulation first, on its own device.
    compute::UniqueStream stream_;
    std::vector<CudaOutput> outputs_;
    std::optional<FrameEvents> events_;
    std::vector<compute::UniqueEvent> copied_;
    bool started_ = false; // the simulation's state lives on this GPU, in stream_'s order
};

int other_cuda_device(int display) {
    for (const auto& d : interop::list_cuda_devices().devices)
        if (d.ordinal != display)
            return d.ordinal;
    core::fail_usage("split mode needs a second CUDA device, and CUDA sees only the display GPU");
}

class InteropProducer final : public Producer {
public:
    InteropProducer(const render::Context& ctx, const ProducerInfo& info)
        : ctx_(ctx), info_(info), cuda_(interop::select_cuda_device(ctx, info.cuda_device)) {
        const std::string& name = info.name;
        make_outputs();
        if (info.sync == SyncMode::timeline) {
            produced_ = interop::SharedTimeline::create(ctx, cuda_, {0}, name + ".produced");
            consumed_ = interop::SharedTimeline::create(ctx, cuda_, {0}, name + ".consumed");
        } else {
            for (std::uint32_t s = 0; s < info.slots; ++s) {
                produced_binary_.push_back(
                    interop::SharedBinarySemaphore::create(ctx, cuda_, name + ".produced" + std::to_string(s)));
                consumed_binary_.push_back(
                    interop::SharedBinarySemaphore::create(ctx, cuda_, name + ".consumed" + std::to_string(s)));
            }
        }
        stream_ = compute::create_stream(name + ".stream");
        events_.emplace(info.slots, name);
        if (info.split) {
            for (std::uint32_t s = 0; s < info.slots; ++s)
                ready_.push_back(compute::create_event(name + ".ready"));
            const int simulate = info.sim_device ? *info.sim_device : other_cuda_device(cuda_.ordinal);
            if (simulate == cuda_.ordinal)
                core::fail_usage("--sim-device " + std::to_string(simulate) +
                                 " is the display GPU; split mode simulates on another one");
            remote_ = std::make_unique<RemoteSimulation>(info, cuda_.ordinal, simulate);
        } else {
            start_simulation(*info.simulation, info.start, stream_.get());
            started_ = true;
        }
    }

    ~InteropProducer() override {
        // Teardown, CUDA side first (DESIGN.md): the stream must be idle before the simulation's state and the
        // shared memory go away.
        (void)cudaStreamSynchronize(stream_.get());
        if (started_) {
            info_.simulation->stop();
            (void)cudaStreamSynchronize(stream_.get());
        }
    }

    const SlotOutput& slot(std::uint32_t s, std::size_t output) const override { return outputs_.at(output).slot(s); }
    bool writes_host_memory() const override { return false; }

    void begin_produce(const Handoff& h) override {
        cudaStream_t stream = stream_.get();
        const std::uint32_t s = h.slot;
        if (h.slot_in_use) { // Vulkan must have finished reading the slot's previous frame
            if (!consumed_) {
                consumed_binary_[s].cuda_wait(stream); // one wait per signal
            } else if (h.wait_consumed.value > consumed_waited_) {
                // Once per value: the frames that reuse a batch's slots all wait for its one signal, and the stream
                // has waited for it already after the first of them.
                consumed_->cuda_wait(stream, h.wait_consumed);
                consumed_waited_ = h.wait_consumed.value;
            }
        }
        if (remote_) {
            CUVK_CUDA(cudaEventRecord(ready_[s].get(), stream), "split: ready");
            const cudaEvent_t copied = remote_->produce(h, ready_[s].get(), outputs_);
            CUVK_CUDA(cudaStreamWaitEvent(stream, copied, 0), "split: wait for the peer copy");
        } else {
            if (!timed_from_)
                timed_from_ = h.frame;
            std::vector<compute::OutputView> views;
            for (const auto& o : outputs_)
                views.push_back(o.view(s));
            step_simulation(*info_.simulation, h, views, stream, *events_);
        }
    }

    void end_produce(const Handoff& h) override {
        cudaStream_t stream = stream_.get();
        if (!remote_)
            end_step(h, stream, *events_);
        if (produced_)
            produced_unsignalled_ = h.signal_produced; // signalled in prepare_submit(), once per submission
        else
            produced_binary_[h.slot].cuda_signal(stream); // one signal per wait
    }

    // A submission waits for `produced` to reach its last frame's value, and the frames before that one in the batch
    // need no signal of their own: one signal, for the last frame produced, after everything enqueued so far. (The
    // ring produces a frame at most N after the last submitted one, so no frame enqueued before the signal waits for
    // this submission.)
    // A context that has faulted takes no signal: it is left out, not thrown here (the submission goes on, so that
    // the frame loop's count stays true), and the ring's wait, seeing the fault, signals it from the host
    // (abandon()); the next produce() throws the fault.
    void prepare_submit(std::span<const std::uint32_t>) override {
        if (!produced_ || !produced_unsignalled_)
            return;
        const core::TimelineValue value = *produced_unsignalled_;
        produced_unsignalled_.reset();
        try {
            produced_->cuda_signal(stream_.get(), value);
        } catch (const core::Error&) {
            if (compute::context_fault(stream_.get()).empty())
                throw;
        }
    }

    // Vulkan waits at every stage that reads an output of the slots.
    void add_waits(std::span<const std::uint32_t> slots, core::TimelineValue produced,
                   std::vector<render::SemaphoreSubmit>& out) const override {
        if (produced_) {
            out.push_back(produced_->vk_wait(produced, wait_stage_));
            return;
        }
        for (const std::uint32_t s : slots)
            out.push_back(produced_binary_[s].vk_wait(wait_stage_));
    }

    void add_signals(std::span<const std::uint32_t> slots, core::TimelineValue consumed,
                     std::vector<render::SemaphoreSubmit>& out) const override {
        if (consumed_) {
            out.push_back(consumed_->vk_signal(consumed, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT));
            return;
        }
        for (const std::uint32_t s : slots)
            out.push_back(consumed_binary_[s].vk_signal(VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT));
    }

    void record_acquire(VkCommandBuffer cmd, std::uint32_t s) const override {
        for (const auto& o : outputs_)
            o.record_acquire(cmd, s);
    }

    void record_release(VkCommandBuffer cmd, std::uint32_t s) const override {
        for (const auto& o : outputs_)
            o.record_release(cmd, s);
    }

    std::optional<double> simulation_ms(core::FrameIndex k) override {
        if (remote_)
            return remote_->simulation_ms(k);
        return timed_from_ && k >= *timed_from_ ? events_->ms(k) : std::nullopt; // none from before a reset
    }

    void params_changed(std::span<const float> params) override {
        if (remote_)
            remote_->params_changed(params);
        else
            info_.simulation->on_params_changed(params);
    }

    void pointer(const compute::PointerEvent& event) override {
        if (remote_)
            remote_->pointer(event);
        else
            info_.simulation->on_pointer(event);
    }

    void finish() override {
        if (remote_)
            remote_->finish();
        compute::synchronize(stream_.get(), "interop stream");
    }

    bool drain(std::chrono::nanoseconds timeout) override {
        return (!remote_ || remote_->drain(timeout)) && compute::drain(stream_.get(), timeout);
    }

    void resize(const std::vector<compute::OutputSpec>& outputs, const compute::SimulationInfo& start) override {
        finish();
        info_.outputs = outputs;
        make_outputs();
        if (remote_)
            remote_->resize(outputs, start);
        else
            info_.simulation->on_resize(start, stream_.get());
    }

    std::string cuda_fault() const override { return compute::context_fault(stream_.get()); }

    std::string recovery_refusal() const override {
        if (remote_)
            return "split mode runs on two GPUs, and only one context is reset";
        if (!produced_)
            return "binary semaphores hold signals that cannot be accounted for after a fault (use timeline sync)";
        return {};
    }

    void abandon(core::TimelineValue value) override {
        if (produced_) // binary semaphores are refused before this (recovery_refusal)
            produced_->host_signal_at_least(value);
        produced_unsignalled_.reset(); // signalled from the host now: CUDA's signal would come from a lost context
    }

    void release_cuda(const std::string& error) noexcept override {
        lose_simulation(cuda_.ordinal, *info_.simulation, started_, error);
        events_.reset();
        stream_.reset();
        for (auto& o : outputs_)
            o.release_cuda();
        if (produced_)
            produced_->release_cuda();
        if (consumed_)
            consumed_->release_cuda();
    }

    int cuda_ordinal() const override { return cuda_.ordinal; }

    void import_cuda(const compute::SimulationInfo& start) override {
        const interop::ScopedCudaDevice current(cuda_.ordinal, info_.name);
        for (auto& o : outputs_)
            o.import_cuda(cuda_);
        produced_->import_cuda(cuda_);
        consumed_->import_cuda(cuda_);
        stream_ = compute::create_stream(info_.name + ".stream");
        consumed_waited_ = 0;          // a new stream has waited for nothing
        produced_unsignalled_.reset(); // abandon() signalled every frame begun before the fault
        events_.emplace(info_.slots, info_.name);
        timed_from_.reset();
        start_simulation(*info_.simulation, start, stream_.get());
        started_ = true;
    }

    std::string describe() const override {
        if (!remote_)
            return {};
        return "split: simulating on CUDA device " + std::to_string(remote_->device().ordinal) + " (" +
               remote_->device().name + "), displaying on " + std::to_string(cuda_.ordinal) + " (" + cuda_.name +
               "), peer access " + (remote_->peer_access() ? "on" : "unavailable: copies staged by the driver");
    }

private:
    // (Re-)creates every output's shared slots, each starting owned by CUDA.
    void make_outputs() {
        outputs_.clear();
        wait_stage_ = VK_PIPELINE_STAGE_2_NONE;
        for (std::size_t o = 0; o < info_.outputs.size(); ++o) {
            outputs_.emplace_back(ctx_, cuda_, info_.outputs[o], info_.slots,
                                  info_.outputs.size() == 1 ? info_.name : info_.name + ".output" + std::to_string(o));
            wait_stage_ |= outputs_.back().read().stage;
        }
        render::submit_and_wait(
            ctx_,
            [&](VkCommandBuffer cmd) {
                for (const auto& o : outputs_)
                    o.record_prepare(cmd);
            },
            info_.name + ".prepare");
    }

    const render::Context& ctx_;
    ProducerInfo info_;
    VkPipelineStageFlags2 wait_stage_ = VK_PIPELINE_STAGE_2_NONE;
    // Creation order; the destructor synchronizes the stream and stops the simulation before any of these die.
    interop::CudaDevice cuda_;
    std::vector<SharedOutput> outputs_;
    std::optional<interop::SharedTimeline> produced_, consumed_;
    std::vector<interop::SharedBinarySemaphore> produced_binary_, consumed_binary_;
    compute::UniqueStream stream_;
    std::uint64_t consumed_waited_ = 0;                       // the highest consumed value stream_ has waited for
    std::optional<core::TimelineValue> produced_unsignalled_; // the last frame produced, until prepare_submit()
    std::optional<FrameEvents> events_;
    std::vector<compute::UniqueEvent> ready_;  // split: recorded on stream_ once the slot may be written
    std::unique_ptr<RemoteSimulation> remote_; // split: the simulating GPU
    bool started_ = false;                     // the simulation runs on stream_
    std::optional<core::FrameIndex> timed_from_{
        core::FrameIndex{}}; // the first frame events_ timed (a reset renews them)
};

struct HostUnregister {
    void operator()(void* p) const noexcept { (void)cudaHostUnregister(p); }
};
struct HostFree {
    void operator()(void* p) const noexcept { (void)cudaFreeHost(p); }
};
using UniqueRegistration = core::Unique<void*, HostUnregister>;
using UniquePinned = core::Unique<void*, HostFree>;

class StagingProducer final : public UploadProducer {
public:
    StagingProducer(const render::Context& ctx, const ProducerInfo& info)
        : UploadProducer(ctx, info), cuda_(interop::select_cuda_device(ctx, info.cuda_device)) {
        make_cuda_side();
        start_simulation(*info.simulation, info.start, stream_.get());
        started_ = true;
    }

    ~StagingProducer() override {
        (void)cudaStreamSynchronize(copy_stream_.get());
        (void)cudaStreamSynchronize(stream_.get());
        if (started_) {
            info_.simulation->stop();
            (void)cudaStreamSynchronize(stream_.get());
        }
    }

    bool produces_ahead() const override { return true; }

    // Two streams, so that frame k's D2H overlaps frame k+1's simulation: the simulation writes CUDA's copy of the
    // slot on stream_ once the slot's previous D2H is done (copied_[s]); the copy stream takes it from there once
    // the simulation has written it (simulated_[s]). The ring has waited for Vulkan's last read of the staging
    // memory (frame k-N) on the host before this.
    void begin_produce(const Handoff& h) override {
        const std::uint32_t s = h.slot;
        // (Before the slot's first copy the event was never recorded, and the wait is a no-op.)
        CUVK_CUDA(cudaStreamWaitEvent(stream_.get(), copied_[s].get(), 0), "staging: slot free on the device");
        if (!timed_from_)
            timed_from_ = h.frame;
        step_simulation(*info_.simulation, h, views_of(outputs_, s), stream_.get(), *events_);
    }

    void end_produce(const Handoff& h) override {
        const std::uint32_t s = h.slot;
        end_step(h, stream_.get(), *events_);
        CUVK_CUDA(cudaEventRecord(simulated_[s].get(), stream_.get()), "staging: frame simulated");
        cudaStream_t stream = copy_stream_.get();
        CUVK_CUDA(cudaStreamWaitEvent(stream, simulated_[s].get(), 0), "staging: copy after the simulation");
        for (std::size_t o = 0; o < outputs_.size(); ++o) {
            const auto& out = outputs_[o].spec();
            auto* host = static_cast<std::byte*>(copy_targets_[o][s]);
            if (out.kind == compute::OutputKind::image && !out.linear) {
                const std::size_t bpp = compute::bytes_per_texel(out.format);
                for (std::uint32_t l = 0; l < out.mip_levels; ++l) {
                    const auto e = out.level_extent(l);
                    CUVK_CUDA(cudaMemcpy2DFromArrayAsync(host + out.host_level_offset(l), e.width * bpp,
                                                         outputs_[o].array(s, l), 0, 0, e.width * bpp, e.height,
                                                         cudaMemcpyDeviceToHost, stream),
                              "staging D2H");
                }
            } else {
                CUVK_CUDA(
                    cudaMemcpyAsync(host, outputs_[o].vertices(s), out.host_bytes(), cudaMemcpyDeviceToHost, stream),
                    "staging D2H");
            }
        }
        CUVK_CUDA(cudaEventRecord(copied_[s].get(), stream), "staging D2H");
        copy_recorded_[s] = true;
    }

    // A frame whose copy never ran (CUDA's context was lost before or after it) is drawn from what the staging memory
    // held; the fault itself is thrown by the next CUDA call that produces, for the ring's owner to recover.
    void prepare_submit(std::span<const std::uint32_t> slots) override {
        for (const std::uint32_t s : slots) {
            if (!copy_recorded_[s])
                continue;
            const cudaError_t done = cudaEventSynchronize(copied_[s].get());
            if (compute::is_context_fault(done)) {
                (void)cudaGetLastError();
                copy_recorded_.assign(info_.slots, false);
                continue;
            }
            CUVK_CUDA(done, "staging D2H");
            for (std::size_t o = 0; o < outputs_.size(); ++o)
                if (copy_targets_[o][s] != uploads_[o].staging(s).data())
                    std::memcpy(uploads_[o].staging(s).data(), copy_targets_[o][s], info_.outputs[o].host_bytes());
        }
        UploadProducer::prepare_submit(slots); // the copies into the drawn resources, on the copy engine if any
    }

    std::optional<double> simulation_ms(core::FrameIndex k) override {
        return timed_from_ && k >= *timed_from_ ? events_->ms(k) : std::nullopt; // none from before a reset
    }

    // Recovery: nothing of Vulkan waits for CUDA here (the host does, in prepare_submit), so there is nothing to
    // abandon; the CUDA side (streams, events, registrations of the same Vulkan staging memory, CUDA's copies of the
    // slots) is released and made again.
    std::string cuda_fault() const override { return compute::context_fault(stream_.get()); }
    int cuda_ordinal() const override { return cuda_.ordinal; }
    void release_cuda(const std::string& error) noexcept override {
        lose_simulation(cuda_.ordinal, *info_.simulation, started_, error);
        simulated_.clear();
        copied_.clear();
        events_.reset();
        outputs_.clear();
        copy_targets_.clear();
        bounce_.clear();
        registrations_.clear();
        copy_stream_.reset();
        stream_.reset();
    }
    void import_cuda(const compute::SimulationInfo& start) override {
        const interop::ScopedCudaDevice current(cuda_.ordinal, info_.name);
        make_cuda_side();
        timed_from_.reset();
        start_simulation(*info_.simulation, start, stream_.get());
        started_ = true;
    }

    void finish() override {
        compute::synchronize(copy_stream_.get(), "staging copy stream");
        compute::synchronize(stream_.get(), "staging stream");
    }
    bool drain(std::chrono::nanoseconds timeout) override {
        return compute::drain(copy_stream_.get(), timeout) && compute::drain(stream_.get(), timeout);
    }

    void resize(const std::vector<compute::OutputSpec>& outputs, const compute::SimulationInfo& start) override {
        finish();
        registrations_.clear(); // unregistered before the staging memory they cover is freed
        bounce_.clear();
        copy_targets_.clear();
        outputs_.clear();
        info_.outputs = outputs;
        make_uploads();
        make_outputs();
        info_.simulation->on_resize(start, stream_.get());
    }

    std::string describe() const override {
        return (bounce_.empty()
                    ? "D2H straight into cudaHostRegister'ed Vulkan staging memory"
                    : "cudaHostRegister refused the Vulkan staging memory: D2H into pinned memory + host copy") +
               std::string("; ") + upload_note();
    }

private:
    // Everything CUDA holds, in creation order (at construction, and again after a reset).
    void make_cuda_side() {
        stream_ = compute::create_stream(info_.name + ".stream");
        copy_stream_ = compute::create_stream(info_.name + ".copy");
        make_outputs();
        events_.emplace(info_.slots, info_.name);
        for (std::uint32_t s = 0; s < info_.slots; ++s) {
            simulated_.push_back(compute::create_event(info_.name + ".simulated"));
            copied_.push_back(compute::create_event(info_.name + ".copied"));
        }
        copy_recorded_.assign(info_.slots, false);
    }

    // Registers each output's staging memory (the base's upload slots) with CUDA, a pinned bounce buffer where it
    // refuses, and creates CUDA's own copy of the slots. The stream is idle and nothing is registered yet.
    void make_outputs() {
        const std::string& name = info_.name;
        copy_targets_.resize(info_.outputs.size());
        for (std::size_t o = 0; o < info_.outputs.size(); ++o) {
            const std::size_t bytes = info_.outputs[o].host_bytes();
            for (std::uint32_t s = 0; s < info_.slots; ++s) {
                void* host = uploads_[o].staging(s).data();
                const cudaError_t r = cudaHostRegister(host, bytes, cudaHostRegisterDefault);
                if (r == cudaSuccess) {
                    registrations_.emplace_back(host);
                    copy_targets_[o].push_back(host);
                } else {
                    (void)cudaGetLastError(); // refused (e.g. driver-owned mapping): fall back to a pinned bounce
                    void* pinned = nullptr;
                    CUVK_CUDA(cudaMallocHost(&pinned, bytes), name + ".bounce");
                    bounce_.emplace_back(pinned);
                    copy_targets_[o].push_back(pinned);
                }
            }
        }
        outputs_ = make_cuda_outputs(info_, stream_.get(), name + ".cuda");
    }

    // Creation order (after the base's uploads_); the destructor synchronizes the stream and stops the simulation
    // first. Registrations die before the Vulkan memory of the base.
    interop::CudaDevice cuda_;
    compute::UniqueStream stream_;      // the simulation
    compute::UniqueStream copy_stream_; // D2H into the staging memory
    std::vector<UniqueRegistration> registrations_;
    std::vector<UniquePinned> bounce_;
    std::vector<std::vector<void*>> copy_targets_; // [output][slot]: the registered staging memory, or its bounce
    std::vector<CudaOutput> outputs_;
    std::optional<FrameEvents> events_;
    std::vector<compute::UniqueEvent> simulated_, copied_; // per slot, recorded on stream_ and on copy_stream_
    std::vector<bool> copy_recorded_; // per slot: copied_ was recorded in this context (a reset forgets them)
    bool started_ = false;
    std::optional<core::FrameIndex> timed_from_{
        core::FrameIndex{}}; // the first frame events_ timed (a reset renews them)
};

} // namespace

void reset_cuda_device(int ordinal) {
    (void)cudaSetDevice(ordinal); // reports the fault, and makes `ordinal` the device cudaDeviceReset resets
    (void)cudaGetLastError();
    CUVK_CUDA(cudaDeviceReset(), "resetting the CUDA context after a fault");
    // The new context is made at once, so that a refusal shows here rather than in a later import. A driver still
    // tearing the faulted context down may call the device busy for a moment: tried again for up to 1 s. NVIDIA's 580
    // driver refuses it to the process for good after an MMU fault (cudaErrorDevicesUnavailable, still after 20 s).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    for (;;) {
        cudaError_t r = cudaSetDevice(ordinal);
        if (r == cudaSuccess)
            r = cudaFree(nullptr);
        if (r == cudaSuccess)
            return;
        if (r != cudaErrorDevicesUnavailable || std::chrono::steady_clock::now() > deadline)
            break;
        (void)cudaGetLastError();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Once more, so that the error names the call that failed.
    CUVK_CUDA(cudaSetDevice(ordinal), "creating a new CUDA context after the reset");
    CUVK_CUDA(cudaFree(nullptr), "creating a new CUDA context after the reset");
}

std::unique_ptr<Producer> make_interop_producer(const render::Context& ctx, const ProducerInfo& info) {
    return std::make_unique<InteropProducer>(ctx, info);
}

std::unique_ptr<Producer> make_staging_producer(const render::Context& ctx, const ProducerInfo& info) {
    return std::make_unique<StagingProducer>(ctx, info);
}

} // namespace cuvk::engine
