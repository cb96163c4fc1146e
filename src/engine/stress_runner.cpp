#include "cuvk/engine/stress_runner.hpp"

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/stream.hpp"
#include "cuvk/compute/stress.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/interop/exported_semaphore.hpp"
#include "cuvk/interop/handoff.hpp"
#include "cuvk/interop/shared_buffer.hpp"
#include "cuvk/interop/shared_image.hpp"
#include "cuvk/interop/shared_semaphore.hpp"
#include "cuvk/render/check.hpp"
#include "cuvk/render/commands.hpp"
#include "producer.hpp"

#include <algorithm>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>

namespace cuvk::engine {

// The phases probe() reports on: registered while they run, under the mutex (probe() reads their semaphores).
struct StressRunner::Live {
    std::mutex mutex;
    std::vector<const StressRunner::PhaseRun*> lanes;
};

namespace {

constexpr auto kSlice = std::chrono::milliseconds(100);
constexpr VkPipelineStageFlags2 kCheckStage = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT;
constexpr VkAccessFlags2 kCheckAccess = VK_ACCESS_2_SHADER_STORAGE_READ_BIT;

// Queue 0 is the context's universal queue, 1 its compute queue.
struct Queues {
    VkQueue queue[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
    core::QueueFamily family[2];
};

struct Slot {
    interop::SharedImage image;
    interop::SharedBuffer buffer;
    VkDescriptorSet set[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE}; // per queue's verifier
    VkCommandBuffer cmd[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE}; // per queue's pool
    render::UniqueFence fence;
    bool fence_pending = false;
    compute::UniqueEvent produced;          // recorded after the producer's frame
    std::vector<compute::StressFill> fills; // per part; graph nodes read them when patched
};

struct GraphExec {
    compute::UniqueGraph graph;
    compute::UniqueGraphExec exec;
    cudaGraphNode_t wait = nullptr, spin = nullptr;
    std::vector<cudaGraphNode_t> fills, signals;
};

// core::StressFormat names the formats compute::PixelFormat names, in the same order (core knows no compute).
static_assert(std::uint32_t(core::StressFormat::rgba8) == std::uint32_t(compute::PixelFormat::rgba8) &&
              std::uint32_t(core::StressFormat::bgra8) == std::uint32_t(compute::PixelFormat::bgra8) &&
              std::uint32_t(core::StressFormat::rgba16f) == std::uint32_t(compute::PixelFormat::rgba16f) &&
              std::uint32_t(core::StressFormat::rgba32f) == std::uint32_t(compute::PixelFormat::rgba32f) &&
              std::uint32_t(core::StressFormat::r32f) == std::uint32_t(compute::PixelFormat::r32f));

// Rows of part i of `parts` over `height` rows.
std::pair<std::uint32_t, std::uint32_t> part_rows(std::uint32_t i, std::uint32_t parts, std::uint32_t height) {
    return {height * i / parts, height * (i + 1) / parts};
}

// Everything one phase creates, in creation order; the destructor first lets the GPU finish (CUDA streams, then the
// Vulkan queues), so members die in reverse with nothing in use (DESIGN.md, Teardown).
struct PhaseObjects {
    const render::Context& ctx;
    std::string name;
    render::CommandPool pools[2];
    render::FrameVerifier verifiers[2];
    std::vector<Slot> slots;
    std::vector<interop::SharedTimeline> produced, consumed;          // timeline: per part / per consumer
    std::vector<interop::SharedBinarySemaphore> bproduced, bconsumed; // binary: per slot x part x consumer / ...
    compute::UniqueStream main;
    std::vector<compute::UniqueStream> sides;
    compute::UniqueEvent start;
    std::vector<compute::UniqueEvent> joined;
    std::uint32_t spin_us = 0;
    std::vector<GraphExec> graphs; // timeline: one; binary: per slot, steady then warm-up

    PhaseObjects(const render::Context& c, std::string n) : ctx(c), name(std::move(n)) {}
    ~PhaseObjects() {
        if (main)
            (void)cudaStreamSynchronize(main.get());
        for (const auto& s : sides)
            (void)cudaStreamSynchronize(s.get());
        (void)vkDeviceWaitIdle(ctx.device());
    }
};

void wait_sems(std::span<const cudaExternalSemaphore_t> sems, std::span<const std::uint64_t> values,
               cudaStream_t stream, const std::string& name) {
    if (sems.empty())
        return;
    std::vector<cudaExternalSemaphoreWaitParams> params(sems.size());
    for (std::size_t i = 0; i < sems.size(); ++i)
        params[i].params.fence.value = values[i];
    CUVK_CUDA(cudaWaitExternalSemaphoresAsync(sems.data(), params.data(), unsigned(sems.size()), stream), name);
}

void signal_sems(std::span<const cudaExternalSemaphore_t> sems, std::span<const std::uint64_t> values,
                 cudaStream_t stream, const std::string& name) {
    std::vector<cudaExternalSemaphoreSignalParams> params(sems.size());
    for (std::size_t i = 0; i < sems.size(); ++i)
        params[i].params.fence.value = values[i];
    CUVK_CUDA(cudaSignalExternalSemaphoresAsync(sems.data(), params.data(), unsigned(sems.size()), stream), name);
}

} // namespace

// One phase in progress: the constructor sets it up (or finds it cannot run here), step() runs its next frame,
// finish() drains it and returns its result. Several may be in progress at once (StressRunner::run_lanes), all on the
// thread that made them; the destructor lets the GPU finish with its objects (PhaseObjects).
class StressRunner::PhaseRun {
public:
    PhaseRun(const render::Context& ctx, const interop::CudaDevice& cuda, const StressRunInfo& info, StressJob job);
    ~PhaseRun();

    bool done() const { return !o_ || k_ >= job_.phase.frames || stopped_; }
    // The next frame's slot is free without a host wait (its previous check has finished).
    bool ready() const;
    // Paces the host by the phase's rule, then enqueues frame k's CUDA work and submits its Vulkan checks.
    void step();
    // Ends the phase early (its frames so far still count).
    void stop() { stopped_ = true; }
    // Waits for every frame to be checked, then reads the verdicts.
    StressPhaseResult finish();
    // After a failure anywhere: a Vulkan wait submitted before CUDA's signal for it (wait-before-signal) would leave
    // the queue waiting forever in teardown, so once CUDA's enqueued work is done, the host signals what CUDA never
    // will.
    void unblock() noexcept;
    // "phase I: CUDA enqueued frame ..., semaphores: ..." for a hang report.
    std::string probe() const;

private:
    const StressPhase& phase() const { return job_.phase; }
    void cuda_waits(std::uint32_t k, std::vector<cudaExternalSemaphore_t>& sems, std::vector<std::uint64_t>& values);
    void cuda_signals(std::uint32_t k, std::uint32_t part, std::vector<cudaExternalSemaphore_t>& sems,
                      std::vector<std::uint64_t>& values);
    GraphExec build_graph(std::uint32_t k_example, bool with_wait);
    void produce(std::uint32_t k);
    void consume(std::uint32_t k);
    void wait_fence(Slot& slot);
    void pace(std::uint32_t k);
    void progress(const char* step) const {
        if (info_.progress)
            info_.progress(step);
    }

    const render::Context& ctx_;
    const interop::CudaDevice& cuda_;
    const StressRunInfo& info_;
    const StressJob job_;
    const bool timeline_;
    const std::uint32_t N_, P_, W_;
    const std::string name_;
    Queues queues_;
    StressPhaseResult result_;
    std::optional<PhaseObjects> o_;                 // empty when the phase cannot run here
    std::uint32_t k_ = 0;                           // the next frame
    std::chrono::steady_clock::time_point started_; // when frame 0 was stepped
    bool stopped_ = false;
    std::vector<cudaExternalSemaphore_t> sems_; // scratch, per call
    std::vector<std::uint64_t> values_;
    std::atomic<std::int64_t> cuda_frame_{-1}, vulkan_frame_{-1}, paced_frame_{-1}; // probe() reads these
};

StressRunner::PhaseRun::PhaseRun(const render::Context& ctx, const interop::CudaDevice& cuda, const StressRunInfo& info,
                                 StressJob job)
    : ctx_(ctx), cuda_(cuda), info_(info), job_(std::move(job)), timeline_(job_.phase.sync == SyncMode::timeline),
      N_(job_.phase.frames_in_flight), P_(job_.phase.fan_in), W_(job_.phase.fan_out),
      name_(info.name + ".phase" + std::to_string(job_.index)) {
    result_.index = job_.index;
    const StressPhase& phase = job_.phase;
    if (auto why = interop::semaphore_export_support(ctx_, timeline_ ? interop::SemaphoreKind::timeline
                                                                     : interop::SemaphoreKind::binary);
        !why.empty()) {
        result_.not_supported = why;
        return;
    }
    const bool needs_compute = phase.consumer != StressConsumer::graphics ||
                               (phase.fan_out > 1 && phase.consumer == StressConsumer::two_queues);
    if (info_.withhold_signal && phase.producer != StressProducer::stream) {
        result_.not_supported = "the withheld signal is tried with the one-stream producer only";
        return;
    }
    if (needs_compute && !ctx_.compute_queue()) {
        result_.not_supported = std::string("the ") + to_string(phase.consumer) +
                                " consumer needs a second queue: " + ctx_.compute_queue_missing();
        return;
    }
    if ((info_.drop_wait || info_.withhold_signal) && !timeline_) {
        result_.not_supported = "the dropped wait and the withheld signal are tried with timeline semaphores only";
        return;
    }
    CUVK_ASSERT(N_ >= 1 && N_ <= 8, "frames in flight are 1..8");
    CUVK_ASSERT(P_ >= 1 && P_ <= 3 && W_ >= 1 && W_ <= 3, "fan is 1..3");
    CUVK_ASSERT(phase.extent.height >= P_ && phase.extent.width > 0, "a part per row at least");
    const VkFormat vk_format = engine::vk_format(compute::PixelFormat(std::uint32_t(phase.format)));
    const interop::ScopedCudaDevice current(cuda_.ordinal, name_);

    progress("phase setup");
    queues_.queue[0] = ctx_.queue();
    queues_.family[0] = ctx_.queue_family();
    queues_.queue[1] = ctx_.compute_queue() ? ctx_.compute_queue() : ctx_.queue();
    queues_.family[1] = ctx_.compute_queue() ? ctx_.compute_queue_family() : ctx_.queue_family();

    PhaseObjects& o = o_.emplace(ctx_, name_);
    for (int q = 0; q < 2; ++q) {
        o.pools[q] = render::CommandPool::create(ctx_, name_ + ".pool" + std::to_string(q), queues_.family[q]);
        o.verifiers[q] = render::FrameVerifier::create(
            ctx_,
            {.max_bindings = N_, .window = 16, .name = name_ + ".verifier" + std::to_string(q)}); // 16 back: stale
    }
    if (phase.image && !o.verifiers[0].can_check(vk_format)) {
        result_.not_supported = std::string("checking ") + to_string(phase.format) +
                                " images needs shaderStorageImageReadWithoutFormat, which " + ctx_.device_name() +
                                " lacks";
        o_.reset();
        return;
    }
    o.slots.resize(N_);
    for (std::uint32_t s = 0; s < N_; ++s) {
        Slot& slot = o.slots[s];
        const std::string slot_name = name_ + ".slot" + std::to_string(s);
        if (phase.image) {
            slot.image = interop::SharedImage::create(
                ctx_, cuda_,
                {.extent = phase.extent, .format = vk_format, .name = slot_name}); // the library's default usage
            for (int q = 0; q < 2; ++q)
                slot.set[q] = o.verifiers[q].bind(slot.image.image());
        } else {
            slot.buffer = interop::SharedBuffer::create(ctx_, cuda_,
                                                        {.size = phase.extent.pixels() * sizeof(std::uint32_t),
                                                         .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                                                         .name = slot_name});
            for (int q = 0; q < 2; ++q)
                slot.set[q] = o.verifiers[q].bind(slot.buffer.vk(), phase.extent);
        }
        for (int q = 0; q < 2; ++q)
            slot.cmd[q] = o.pools[q].allocate(slot_name + ".cmd" + std::to_string(q));
        slot.fence = render::create_fence(ctx_, slot_name + ".fence");
        slot.produced = compute::create_event(slot_name + ".produced");
        for (std::uint32_t i = 0; i < P_; ++i) {
            const auto [begin, end] = part_rows(i, P_, phase.extent.height);
            compute::StressFill fill{
                .format = phase.format, .extent = phase.extent, .row_begin = begin, .row_end = end};
            if (phase.image)
                fill.image = slot.image.surface();
            else
                fill.words = slot.buffer.span<std::uint32_t>().data;
            slot.fills.push_back(fill);
        }
    }
    // Every slot starts owned by CUDA.
    render::submit_and_wait(
        ctx_,
        [&](VkCommandBuffer cmd) {
            for (const auto& slot : o.slots) {
                if (phase.image)
                    interop::prepare_for_external(cmd, slot.image.vk(), ctx_.queue_family());
                else
                    interop::release_to_external(cmd, slot.buffer.vk(), ctx_.queue_family(), VK_PIPELINE_STAGE_2_NONE,
                                                 VK_ACCESS_2_NONE);
            }
        },
        name_ + ".prepare");

    if (timeline_) {
        for (std::uint32_t i = 0; i < P_; ++i)
            o.produced.push_back(interop::SharedTimeline::create(ctx_, cuda_, core::TimelineValue{0},
                                                                 name_ + ".produced" + std::to_string(i)));
        for (std::uint32_t j = 0; j < W_; ++j)
            o.consumed.push_back(interop::SharedTimeline::create(ctx_, cuda_, core::TimelineValue{0},
                                                                 name_ + ".consumed" + std::to_string(j)));
    } else {
        for (std::uint32_t n = 0; n < N_ * P_ * W_; ++n)
            o.bproduced.push_back(
                interop::SharedBinarySemaphore::create(ctx_, cuda_, name_ + ".produced.b" + std::to_string(n)));
        for (std::uint32_t n = 0; n < N_ * W_; ++n)
            o.bconsumed.push_back(
                interop::SharedBinarySemaphore::create(ctx_, cuda_, name_ + ".consumed.b" + std::to_string(n)));
    }
    o.main = compute::create_stream(name_ + ".stream");
    if (phase.producer == StressProducer::streams) {
        const std::uint32_t sides = std::max(P_, 2u);
        for (std::uint32_t t = 0; t < sides; ++t) {
            o.sides.push_back(compute::create_stream(name_ + ".side" + std::to_string(t)));
            o.joined.push_back(compute::create_event(name_ + ".joined" + std::to_string(t)));
        }
        o.start = compute::create_event(name_ + ".start");
    }
    if (phase.producer == StressProducer::graph) {
        if (timeline_) {
            o.graphs.push_back(build_graph(0, true));
        } else {
            for (std::uint32_t s = 0; s < N_; ++s) {
                o.graphs.push_back(build_graph(s, true));
                o.graphs.push_back(build_graph(s, false));
            }
        }
    }
    result_.ran = true;
}

// The phase's CUDA objects are released with their device current (DESIGN.md, Teardown), as they were made.
StressRunner::PhaseRun::~PhaseRun() {
    if (!o_)
        return;
    try {
        const interop::ScopedCudaDevice current(cuda_.ordinal, name_);
        o_.reset();
    } catch (...) { // the device could not be made current: release anyway
        o_.reset();
    }
}

// The semaphores CUDA waits for before frame k (every consumer's) and signals after part i.
void StressRunner::PhaseRun::cuda_waits(std::uint32_t k, std::vector<cudaExternalSemaphore_t>& sems,
                                        std::vector<std::uint64_t>& values) {
    sems.clear();
    values.clear();
    if (k < N_)
        return;
    for (std::uint32_t j = 0; j < W_; ++j) {
        sems.push_back(timeline_ ? o_->consumed[j].cuda() : o_->bconsumed[(k % N_) * W_ + j].cuda());
        values.push_back(timeline_ ? k + 1 - N_ : 0);
    }
}

void StressRunner::PhaseRun::cuda_signals(std::uint32_t k, std::uint32_t part,
                                          std::vector<cudaExternalSemaphore_t>& sems,
                                          std::vector<std::uint64_t>& values) {
    sems.clear();
    values.clear();
    if (timeline_) {
        sems.push_back(o_->produced[part].cuda());
        values.push_back(k + 1);
    } else {
        for (std::uint32_t j = 0; j < W_; ++j) {
            sems.push_back(o_->bproduced[((k % N_) * P_ + part) * W_ + j].cuda());
            values.push_back(0);
        }
    }
}

// The graph producer: wait → delay → fill part 0 → signal 0 → fill part 1 → ... (the delay sits after part 0 when
// there are several parts, as in the stream producer). Timeline: one graph, every value patched per launch; binary: a
// graph per slot (its own semaphores) with and without the wait (the first N frames wait for nothing).
GraphExec StressRunner::PhaseRun::build_graph(std::uint32_t k_example, bool with_wait) {
    PhaseObjects& o = *o_;
    GraphExec g;
    cudaGraph_t graph = nullptr;
    CUVK_CUDA(cudaGraphCreate(&graph, 0), name_ + ".graph");
    g.graph = compute::UniqueGraph(graph);
    std::vector<cudaExternalSemaphore_t> sems;
    std::vector<std::uint64_t> values;
    cudaGraphNode_t last = nullptr;
    auto add_dep = [&]() { return last ? 1u : 0u; };
    if (with_wait) {
        cuda_waits(k_example + N_, sems, values); // the same slot's semaphores
        std::vector<cudaExternalSemaphoreWaitParams> params(sems.size());
        const cudaExternalSemaphoreWaitNodeParams p{sems.data(), params.data(), unsigned(sems.size())};
        CUVK_CUDA(cudaGraphAddExternalSemaphoresWaitNode(&g.wait, graph, nullptr, 0, &p), name_ + ".graph wait");
        last = g.wait;
    }
    Slot& slot = o.slots[k_example % N_];
    for (std::uint32_t i = 0; i < P_; ++i) {
        if (i == (P_ == 1 ? 0u : 1u)) { // the delay: before the only part, or between the first and the second
            auto node = compute::spin_node(&o.spin_us);
            CUVK_CUDA(cudaGraphAddKernelNode(&g.spin, graph, &last, add_dep(), &node.params), name_ + ".graph delay");
            last = g.spin;
        }
        cudaGraphNode_t fill = nullptr, signal = nullptr;
        auto node = compute::stress_fill_node(&slot.fills[i]);
        CUVK_CUDA(cudaGraphAddKernelNode(&fill, graph, &last, add_dep(), &node.params), name_ + ".graph fill");
        last = fill;
        cuda_signals(k_example, i, sems, values);
        std::vector<cudaExternalSemaphoreSignalParams> params(sems.size());
        const cudaExternalSemaphoreSignalNodeParams p{sems.data(), params.data(), unsigned(sems.size())};
        CUVK_CUDA(cudaGraphAddExternalSemaphoresSignalNode(&signal, graph, &last, 1, &p), name_ + ".graph signal");
        last = signal;
        g.fills.push_back(fill);
        g.signals.push_back(signal);
    }
    cudaGraphExec_t exec = nullptr;
    CUVK_CUDA(cudaGraphInstantiate(&exec, graph, 0), name_ + ".graph instantiate");
    g.exec = compute::UniqueGraphExec(exec);
    return g;
}

namespace {
std::uint32_t delay_of(const std::vector<std::uint16_t>& d, std::uint32_t k) {
    return k < d.size() ? d[k] : 0;
}
} // namespace

// CUDA's frame k.
void StressRunner::PhaseRun::produce(std::uint32_t k) {
    progress("CUDA: enqueue frame");
    PhaseObjects& o = *o_;
    const StressPhase& phase = job_.phase;
    auto& sems = sems_;
    auto& values = values_;
    Slot& slot = o.slots[k % N_];
    for (auto& f : slot.fills)
        f.frame = job_.first_frame + k;
    const std::uint32_t delay = delay_of(phase.producer_delay_us, k);
    cudaStream_t stream = o.main.get();
    switch (phase.producer) {
    case StressProducer::stream:
        cuda_waits(k, sems, values);
        if (info_.withhold_signal && k == std::min(5u, phase.frames - 1)) { // a value Vulkan never signals
            sems.assign(1, o.consumed[0].cuda());
            values.assign(1, std::uint64_t(1) << 40);
        }
        wait_sems(sems, values, stream, name_ + " CUDA wait");
        for (std::uint32_t i = 0; i < P_; ++i) {
            if (i == (P_ == 1 ? 0u : 1u))
                compute::launch_spin(delay, stream);
            compute::launch_stress_fill(slot.fills[i], stream);
            cuda_signals(k, i, sems, values);
            signal_sems(sems, values, stream, name_ + " CUDA signal");
        }
        break;
    case StressProducer::streams: {
        cuda_waits(k, sems, values);
        wait_sems(sems, values, stream, name_ + " CUDA wait");
        CUVK_CUDA(cudaEventRecord(o.start.get(), stream), name_ + ".start");
        const std::uint32_t sides = std::uint32_t(o.sides.size());
        for (std::uint32_t t = 0; t < sides; ++t) {
            cudaStream_t side = o.sides[t].get();
            CUVK_CUDA(cudaStreamWaitEvent(side, o.start.get(), 0), name_ + " side wait");
            if (t == 0)
                compute::launch_spin(delay, side);
            if (P_ > 1) { // each side stream writes and signals its own part
                compute::launch_stress_fill(slot.fills[t], side);
                cuda_signals(k, t, sems, values);
                signal_sems(sems, values, side, name_ + " CUDA signal");
            } else { // one part written by two streams in halves, signalled once both are joined
                compute::StressFill half = slot.fills[0];
                std::tie(half.row_begin, half.row_end) = part_rows(t, sides, phase.extent.height);
                compute::launch_stress_fill(half, side);
            }
            CUVK_CUDA(cudaEventRecord(o.joined[t].get(), side), name_ + ".joined");
            CUVK_CUDA(cudaStreamWaitEvent(stream, o.joined[t].get(), 0), name_ + " join");
        }
        if (P_ == 1) {
            cuda_signals(k, 0, sems, values);
            signal_sems(sems, values, stream, name_ + " CUDA signal");
        }
        break;
    }
    case StressProducer::graph: {
        GraphExec& g = timeline_ ? o.graphs[0] : o.graphs[(k % N_) * 2 + (k < N_ ? 1 : 0)];
        cudaGraphExec_t exec = g.exec.get();
        if (g.wait) {
            cuda_waits(k < N_ ? k + N_ : k, sems, values); // timeline: the same semaphores, values set below
            std::vector<cudaExternalSemaphoreWaitParams> params(sems.size());
            for (std::size_t i = 0; i < sems.size(); ++i) // timeline frames before N wait for 0: passed at once
                params[i].params.fence.value = k < N_ ? 0 : values[i];
            const cudaExternalSemaphoreWaitNodeParams p{sems.data(), params.data(), unsigned(sems.size())};
            CUVK_CUDA(cudaGraphExecExternalSemaphoresWaitNodeSetParams(exec, g.wait, &p), name_ + " graph wait");
        }
        o.spin_us = delay;
        auto spin = compute::spin_node(&o.spin_us);
        CUVK_CUDA(cudaGraphExecKernelNodeSetParams(exec, g.spin, &spin.params), name_ + " graph delay");
        for (std::uint32_t i = 0; i < P_; ++i) {
            auto fill = compute::stress_fill_node(&slot.fills[i]);
            CUVK_CUDA(cudaGraphExecKernelNodeSetParams(exec, g.fills[i], &fill.params), name_ + " graph fill");
            if (timeline_) {
                cuda_signals(k, i, sems, values);
                std::vector<cudaExternalSemaphoreSignalParams> params(sems.size());
                for (std::size_t n = 0; n < sems.size(); ++n)
                    params[n].params.fence.value = values[n];
                const cudaExternalSemaphoreSignalNodeParams p{sems.data(), params.data(), unsigned(sems.size())};
                CUVK_CUDA(cudaGraphExecExternalSemaphoresSignalNodeSetParams(exec, g.signals[i], &p),
                          name_ + " graph signal");
            }
        }
        CUVK_CUDA(cudaGraphLaunch(exec, stream), name_ + " graph launch");
        break;
    }
    }
    CUVK_CUDA(cudaEventRecord(slot.produced.get(), stream), name_ + ".produced event");
    cuda_frame_ = job_.first_frame + k;
}

// Vulkan's frame k: the checking consumer, then the further ones (fan-out).
void StressRunner::PhaseRun::consume(std::uint32_t k) {
    progress("Vulkan: submit frame");
    PhaseObjects& o = *o_;
    const StressPhase& phase = job_.phase;
    Slot& slot = o.slots[k % N_];
    auto queue_of = [&](std::uint32_t j) -> int {
        switch (phase.consumer) {
        case StressConsumer::graphics:
            return 0;
        case StressConsumer::compute:
            return 1;
        case StressConsumer::two_queues:
            return int((k + j) % 2);
        }
        return 0;
    };
    for (std::uint32_t j = 0; j < W_; ++j) {
        const int q = queue_of(j);
        std::vector<render::SemaphoreSubmit> waits, signals;
        // The fault drop_wait: the checker does not wait for the last part (so it may read a frame CUDA is still
        // writing: torn), or for anything when there is one part (stale).
        const std::uint32_t waited = j == 0 && info_.drop_wait ? P_ - 1 : P_;
        for (std::uint32_t i = 0; i < waited; ++i)
            waits.push_back(timeline_ ? o.produced[i].vk_wait(core::TimelineValue{k + 1ull}, kCheckStage)
                                      : o.bproduced[((k % N_) * P_ + i) * W_ + j].vk_wait(kCheckStage));
        signals.push_back(
            timeline_ ? o.consumed[j].vk_signal(core::TimelineValue{k + 1ull}, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT)
                      : o.bconsumed[(k % N_) * W_ + j].vk_signal(VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT));
        result_.pairs += waits.size();
        if (j > 0) { // a consumer that only waits and signals
            render::submit(ctx_,
                           {.waits = waits, .signals = signals, .name = name_ + ".fan-out", .queue = queues_.queue[q]});
            continue;
        }
        const VkCommandBuffer cmd = slot.cmd[q];
        CUVK_VK(vkResetCommandBuffer(cmd, 0), name_ + ".cmd");
        const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                             .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
        CUVK_VK(vkBeginCommandBuffer(cmd, &begin), name_ + ".cmd");
        if (phase.image)
            interop::acquire_from_external(cmd, slot.image.vk(), queues_.family[q], kCheckStage, kCheckAccess);
        else
            interop::acquire_from_external(cmd, slot.buffer.vk(), queues_.family[q], kCheckStage, kCheckAccess);
        o.verifiers[q].record_delay(cmd, slot.set[q], delay_of(phase.consumer_delay_us, k));
        o.verifiers[q].record_check(cmd, slot.set[q], job_.first_frame + k);
        if (phase.image)
            interop::release_to_external(cmd, slot.image.vk(), queues_.family[q], kCheckStage, VK_ACCESS_2_NONE);
        else
            interop::release_to_external(cmd, slot.buffer.vk(), queues_.family[q], kCheckStage, VK_ACCESS_2_NONE);
        CUVK_VK(vkEndCommandBuffer(cmd), name_ + ".cmd");
        const VkCommandBuffer cmds[] = {cmd};
        render::submit(ctx_, {.commands = cmds,
                              .waits = waits,
                              .signals = signals,
                              .fence = slot.fence.get(),
                              .name = name_ + ".check",
                              .queue = queues_.queue[q]});
        slot.fence_pending = true;
    }
    vulkan_frame_ = job_.first_frame + k;
}

void StressRunner::PhaseRun::wait_fence(Slot& slot) {
    progress("host: wait for a Vulkan fence");
    while (render::wait_fence(ctx_, slot.fence.get(), kSlice, name_ + ".fence") == render::WaitOutcome::timeout) {
    }
    const VkFence fence = slot.fence.get();
    CUVK_VK(vkResetFences(ctx_.device(), 1, &fence), name_ + ".fence");
    slot.fence_pending = false;
}

bool StressRunner::PhaseRun::ready() const {
    if (done())
        return false;
    const Slot& slot = o_->slots[k_ % N_];
    // A lost device reads as ready: step()'s own wait reports it.
    return !slot.fence_pending || vkGetFenceStatus(ctx_.device(), slot.fence.get()) != VK_NOT_READY;
}

// Before frame k reuses slot k mod N: frame k-N's check must have finished (its command buffer is reused).
void StressRunner::PhaseRun::pace(std::uint32_t k) {
    Slot& slot = o_->slots[k % N_];
    if (!slot.fence_pending)
        return;
    switch (job_.phase.pacing) {
    case HostPacing::fence:
        break;
    case HostPacing::cuda_event:
        progress("host: wait for a CUDA event");
        CUVK_CUDA(cudaEventSynchronize(slot.produced.get()), name_ + ".produced event");
        break;
    case HostPacing::polling:
        progress("host: poll the consumed counter");
        if (timeline_) {
            std::uint64_t value = 0;
            do {
                CUVK_VK(vkGetSemaphoreCounterValue(ctx_.device(), o_->consumed[0].vk(), &value), name_ + ".consumed");
                if (value < k + 1 - N_)
                    std::this_thread::yield();
            } while (value < k + 1 - N_);
        } else {
            VkResult r;
            while ((r = vkGetFenceStatus(ctx_.device(), slot.fence.get())) == VK_NOT_READY)
                std::this_thread::yield();
            CUVK_VK(r, name_ + ".fence");
        }
        break;
    }
    wait_fence(slot); // at once after the above; tells the validation layer the command buffer is free
    paced_frame_ = job_.first_frame + k;
}

void StressRunner::PhaseRun::step() {
    CUVK_ASSERT(!done(), "a finished phase has no next frame");
    const interop::ScopedCudaDevice current(cuda_.ordinal, name_);
    if (k_ == 0)
        started_ = std::chrono::steady_clock::now();
    const std::uint32_t k = k_;
    pace(k);
    if (job_.phase.wait_before_signal && timeline_) {
        consume(k);
        produce(k);
    } else {
        produce(k);
        consume(k);
    }
    if (k >= N_)
        result_.pairs += W_; // CUDA's waits for every consumer
    ++k_;
}

void StressRunner::PhaseRun::unblock() noexcept {
    if (!o_ || !timeline_ || !job_.phase.wait_before_signal)
        return;
    (void)cudaSetDevice(cuda_.ordinal); // best effort: this runs while an error unwinds
    (void)cudaStreamSynchronize(o_->main.get());
    for (std::uint32_t i = 0; i < P_; ++i) {
        std::uint64_t value = 0;
        if (vkGetSemaphoreCounterValue(ctx_.device(), o_->produced[i].vk(), &value) == VK_SUCCESS &&
            value < k_ + 1ull) {
            const VkSemaphoreSignalInfo signal{.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
                                               .semaphore = o_->produced[i].vk(),
                                               .value = k_ + 1ull};
            (void)vkSignalSemaphore(ctx_.device(), &signal);
        }
    }
}

StressPhaseResult StressRunner::PhaseRun::finish() {
    if (!o_)
        return result_;
    const interop::ScopedCudaDevice current(cuda_.ordinal, name_);
    progress("phase: drain");
    for (auto& slot : o_->slots)
        if (slot.fence_pending)
            wait_fence(slot);
    compute::synchronize(o_->main.get(), name_ + ".stream");
    for (const auto& side : o_->sides)
        compute::synchronize(side.get(), name_ + ".side");
    if (k_ > 0)
        result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    result_.frames = k_;
    for (const auto& v : o_->verifiers)
        result_.verify += v.totals();
    progress("phase: teardown");
    return result_;
}

std::string StressRunner::PhaseRun::probe() const {
    std::ostringstream out;
    out << "phase " << job_.index << ": CUDA enqueued frame " << cuda_frame_.load() << ", Vulkan submitted frame "
        << vulkan_frame_.load() << ", host paced to frame " << paced_frame_.load();
    if (o_ && timeline_) {
        std::uint64_t produced = 0, consumed = 0;
        const VkResult a = vkGetSemaphoreCounterValue(ctx_.device(), o_->produced[0].vk(), &produced);
        const VkResult b = vkGetSemaphoreCounterValue(ctx_.device(), o_->consumed[0].vk(), &consumed);
        if (a == VK_SUCCESS && b == VK_SUCCESS)
            out << "; semaphores: produced = " << produced << " (CUDA signals frame k as k+1), consumed = " << consumed
                << " (Vulkan signals k+1)";
    } else {
        out << "; binary semaphores (no counter to read)";
    }
    return out.str();
}

StressRunner::StressRunner(const render::Context& ctx, const interop::CudaDevice& cuda, StressRunInfo info)
    : ctx_(ctx), cuda_(cuda), info_(std::move(info)), live_(std::make_unique<Live>()) {}

StressRunner::~StressRunner() = default;

std::string StressRunner::support(SyncMode sync) const {
    return interop::semaphore_export_support(ctx_, sync == SyncMode::timeline ? interop::SemaphoreKind::timeline
                                                                              : interop::SemaphoreKind::binary);
}

std::string StressRunner::probe() const {
    const std::lock_guard lock(live_->mutex);
    if (live_->lanes.empty())
        return "no stress phase is running";
    std::string out;
    for (const PhaseRun* lane : live_->lanes)
        out += (out.empty() ? "" : "; ") + lane->probe();
    return out;
}

StressPhaseResult StressRunner::run(const StressPhase& phase, std::uint32_t index, std::uint32_t first_frame) {
    std::optional<StressJob> job = StressJob{.phase = phase, .index = index, .first_frame = first_frame};
    StressPhaseResult result;
    run_lanes(
        1, [&] { return std::exchange(job, std::nullopt); }, [&](StressPhaseResult r) { result = std::move(r); });
    return result;
}

void StressRunner::run_lanes(std::uint32_t lanes, const std::function<std::optional<StressJob>()>& next,
                             const std::function<void(StressPhaseResult)>& done) {
    CUVK_ASSERT(lanes >= 1 && next && done, "run_lanes needs a lane, a job source and a result sink");
    std::vector<std::unique_ptr<PhaseRun>> runs(lanes);
    std::vector<std::uint32_t> passed(lanes, 0); // steps since each lane last ran
    auto publish = [&] {
        const std::lock_guard lock(live_->mutex);
        live_->lanes.clear();
        for (const auto& r : runs)
            if (r)
                live_->lanes.push_back(r.get());
    };
    struct Unpublish {
        Live& live;
        ~Unpublish() {
            const std::lock_guard lock(live.mutex);
            live.lanes.clear();
        }
    } unpublish{*live_};
    // Lane l's phase leaves the watchdog's list before it is destroyed (its teardown may be where a hang shows).
    auto retire = [&](std::uint32_t l) {
        auto old = std::move(runs[l]);
        publish();
    };
    // Lane l takes jobs until one runs here (a phase that cannot run is done at once).
    auto refill = [&](std::uint32_t l) {
        retire(l);
        while (auto job = next()) {
            auto run = std::make_unique<PhaseRun>(ctx_, cuda_, info_, std::move(*job));
            if (run->done()) {
                done(run->finish());
                continue;
            }
            runs[l] = std::move(run);
            break;
        }
        publish();
    };
    try {
        for (std::uint32_t l = 0; l < lanes; ++l)
            refill(l);
        std::uint32_t turn = 0;
        for (;;) {
            // The next lane in turn whose slot is free; else (or when a lane has waited long: a lane that never
            // becomes ready must reach its blocking wait, where the watchdog sees it) the next lane in turn.
            constexpr std::uint32_t kPatience = 64;
            int pick = -1;
            for (std::uint32_t i = 0; i < lanes && pick < 0; ++i) {
                const std::uint32_t l = (turn + i) % lanes;
                if (runs[l] && passed[l] >= kPatience)
                    pick = int(l);
            }
            for (std::uint32_t i = 0; i < lanes && pick < 0; ++i) {
                const std::uint32_t l = (turn + i) % lanes;
                if (runs[l] && runs[l]->ready())
                    pick = int(l);
            }
            for (std::uint32_t i = 0; i < lanes && pick < 0; ++i) {
                const std::uint32_t l = (turn + i) % lanes;
                if (runs[l])
                    pick = int(l);
            }
            if (pick < 0)
                break; // every lane is out of jobs
            const auto l = std::uint32_t(pick);
            turn = l + 1;
            for (std::uint32_t i = 0; i < lanes; ++i)
                passed[i] = i == l ? 0 : passed[i] + 1;
            if (info_.stop && info_.stop())
                for (auto& r : runs)
                    if (r)
                        r->stop();
            if (!runs[l]->done())
                runs[l]->step();
            if (runs[l]->done()) {
                done(runs[l]->finish());
                if (info_.stop && info_.stop()) {
                    retire(l);
                } else {
                    refill(l);
                }
            }
        }
    } catch (...) {
        for (auto& r : runs)
            if (r)
                r->unblock();
        throw;
    }
}

} // namespace cuvk::engine
