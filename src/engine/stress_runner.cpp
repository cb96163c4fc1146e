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
#include <sstream>
#include <thread>

namespace cuvk::engine {

// What probe() reports while a phase runs. The semaphores are read under the mutex, which the phase's teardown takes
// before they are destroyed.
struct StressRunner::Live {
    std::mutex mutex;
    const render::Context* ctx = nullptr;
    VkSemaphore produced = VK_NULL_HANDLE, consumed = VK_NULL_HANDLE; // timeline phases
    std::atomic<std::uint32_t> phase{0};
    std::atomic<std::int64_t> cuda_frame{-1}, vulkan_frame{-1}, paced_frame{-1};
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

StressRunner::StressRunner(const render::Context& ctx, const interop::CudaDevice& cuda, StressRunInfo info)
    : ctx_(ctx), cuda_(cuda), info_(std::move(info)), live_(std::make_unique<Live>()) {
    live_->ctx = &ctx;
}

StressRunner::~StressRunner() = default;

std::string StressRunner::support(SyncMode sync) const {
    return interop::semaphore_export_support(ctx_, sync == SyncMode::timeline ? interop::SemaphoreKind::timeline
                                                                              : interop::SemaphoreKind::binary);
}

std::string StressRunner::probe() const {
    std::ostringstream out;
    out << "phase " << live_->phase.load() << ", CUDA enqueued frame " << live_->cuda_frame.load()
        << ", Vulkan submitted frame " << live_->vulkan_frame.load() << ", host paced to frame "
        << live_->paced_frame.load();
    const std::lock_guard lock(live_->mutex);
    if (live_->produced) {
        std::uint64_t produced = 0, consumed = 0;
        const VkResult a = vkGetSemaphoreCounterValue(ctx_.device(), live_->produced, &produced);
        const VkResult b = vkGetSemaphoreCounterValue(ctx_.device(), live_->consumed, &consumed);
        if (a == VK_SUCCESS && b == VK_SUCCESS)
            out << "; semaphores: produced = " << produced << " (CUDA signals frame k as k+1), consumed = " << consumed
                << " (Vulkan signals k+1)";
    } else {
        out << "; binary semaphores (no counter to read)";
    }
    return out.str();
}

StressPhaseResult StressRunner::run(const StressPhase& phase, std::uint32_t index, std::uint32_t first_frame) {
    StressPhaseResult result;
    result.index = index;
    const bool timeline = phase.sync == SyncMode::timeline;
    if (auto why = support(phase.sync); !why.empty()) {
        result.not_supported = why;
        return result;
    }
    const bool needs_compute = phase.consumer != StressConsumer::graphics ||
                               (phase.fan_out > 1 && phase.consumer == StressConsumer::two_queues);
    if (info_.withhold_signal && phase.producer != StressProducer::stream) {
        result.not_supported = "the withheld signal is tried with the one-stream producer only";
        return result;
    }
    if (needs_compute && !ctx_.compute_queue()) {
        result.not_supported = std::string("the ") + to_string(phase.consumer) +
                               " consumer needs a second queue: " + ctx_.compute_queue_missing();
        return result;
    }
    if ((info_.drop_wait || info_.withhold_signal) && !timeline) {
        result.not_supported = "the dropped wait and the withheld signal are tried with timeline semaphores only";
        return result;
    }
    CUVK_ASSERT(phase.frames_in_flight >= 1 && phase.frames_in_flight <= 8, "frames in flight are 1..8");
    CUVK_ASSERT(phase.fan_in >= 1 && phase.fan_in <= 3 && phase.fan_out >= 1 && phase.fan_out <= 3, "fan is 1..3");
    CUVK_ASSERT(phase.extent.height >= phase.fan_in && phase.extent.width > 0, "a part per row at least");

    const std::uint32_t N = phase.frames_in_flight, P = phase.fan_in, W = phase.fan_out;
    const std::string name = info_.name + ".phase" + std::to_string(index);
    auto progress = [&](const char* step) {
        if (info_.progress)
            info_.progress(step);
    };
    const interop::ScopedCudaDevice current(cuda_.ordinal, name);

    progress("phase setup");
    Queues queues;
    queues.queue[0] = ctx_.queue();
    queues.family[0] = ctx_.queue_family();
    queues.queue[1] = ctx_.compute_queue() ? ctx_.compute_queue() : ctx_.queue();
    queues.family[1] = ctx_.compute_queue() ? ctx_.compute_queue_family() : ctx_.queue_family();

    PhaseObjects o(ctx_, name);
    for (int q = 0; q < 2; ++q) {
        o.pools[q] = render::CommandPool::create(ctx_, name + ".pool" + std::to_string(q), queues.family[q]);
        o.verifiers[q] = render::FrameVerifier::create(
            ctx_,
            {.max_bindings = N, .window = 16, .name = name + ".verifier" + std::to_string(q)}); // 16 frames back: stale
    }
    const VkFormat vk_format = engine::vk_format(compute::PixelFormat(std::uint32_t(phase.format)));
    if (phase.image && !o.verifiers[0].can_check(vk_format)) {
        result.not_supported = std::string("checking ") + to_string(phase.format) +
                               " images needs shaderStorageImageReadWithoutFormat, which " + ctx_.device_name() +
                               " lacks";
        return result;
    }
    o.slots.resize(N);
    for (std::uint32_t s = 0; s < N; ++s) {
        Slot& slot = o.slots[s];
        const std::string slot_name = name + ".slot" + std::to_string(s);
        if (phase.image) {
            slot.image = interop::SharedImage::create(ctx_, cuda_,
                                                      {.extent = phase.extent,
                                                       .format = vk_format, // the library's default usage
                                                       .name = slot_name});
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
        for (std::uint32_t i = 0; i < P; ++i) {
            const auto [begin, end] = part_rows(i, P, phase.extent.height);
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
        name + ".prepare");

    if (timeline) {
        for (std::uint32_t i = 0; i < P; ++i)
            o.produced.push_back(interop::SharedTimeline::create(ctx_, cuda_, core::TimelineValue{0},
                                                                 name + ".produced" + std::to_string(i)));
        for (std::uint32_t j = 0; j < W; ++j)
            o.consumed.push_back(interop::SharedTimeline::create(ctx_, cuda_, core::TimelineValue{0},
                                                                 name + ".consumed" + std::to_string(j)));
    } else {
        for (std::uint32_t n = 0; n < N * P * W; ++n)
            o.bproduced.push_back(
                interop::SharedBinarySemaphore::create(ctx_, cuda_, name + ".produced.b" + std::to_string(n)));
        for (std::uint32_t n = 0; n < N * W; ++n)
            o.bconsumed.push_back(
                interop::SharedBinarySemaphore::create(ctx_, cuda_, name + ".consumed.b" + std::to_string(n)));
    }
    o.main = compute::create_stream(name + ".stream");
    if (phase.producer == StressProducer::streams) {
        const std::uint32_t sides = std::max(P, 2u);
        for (std::uint32_t t = 0; t < sides; ++t) {
            o.sides.push_back(compute::create_stream(name + ".side" + std::to_string(t)));
            o.joined.push_back(compute::create_event(name + ".joined" + std::to_string(t)));
        }
        o.start = compute::create_event(name + ".start");
    }

    // The semaphores CUDA waits for before frame k (every consumer's) and signals after part i.
    auto cuda_waits = [&](std::uint32_t k, std::vector<cudaExternalSemaphore_t>& sems,
                          std::vector<std::uint64_t>& values) {
        sems.clear();
        values.clear();
        if (k < N)
            return;
        for (std::uint32_t j = 0; j < W; ++j) {
            sems.push_back(timeline ? o.consumed[j].cuda() : o.bconsumed[(k % N) * W + j].cuda());
            values.push_back(timeline ? k + 1 - N : 0);
        }
    };
    auto cuda_signals = [&](std::uint32_t k, std::uint32_t part, std::vector<cudaExternalSemaphore_t>& sems,
                            std::vector<std::uint64_t>& values) {
        sems.clear();
        values.clear();
        if (timeline) {
            sems.push_back(o.produced[part].cuda());
            values.push_back(k + 1);
        } else {
            for (std::uint32_t j = 0; j < W; ++j) {
                sems.push_back(o.bproduced[((k % N) * P + part) * W + j].cuda());
                values.push_back(0);
            }
        }
    };

    // The graph producer: wait → delay → fill part 0 → signal 0 → fill part 1 → ... (the delay sits after part 0
    // when there are several parts, as in the stream producer). Timeline: one graph, every value patched per launch;
    // binary: a graph per slot (its own semaphores) with and without the wait (the first N frames wait for nothing).
    auto build_graph = [&](std::uint32_t k_example, bool with_wait) {
        GraphExec g;
        cudaGraph_t graph = nullptr;
        CUVK_CUDA(cudaGraphCreate(&graph, 0), name + ".graph");
        g.graph = compute::UniqueGraph(graph);
        std::vector<cudaExternalSemaphore_t> sems;
        std::vector<std::uint64_t> values;
        cudaGraphNode_t last = nullptr;
        auto add_dep = [&]() { return last ? 1u : 0u; };
        if (with_wait) {
            cuda_waits(k_example + N, sems, values); // the same slot's semaphores
            std::vector<cudaExternalSemaphoreWaitParams> params(sems.size());
            const cudaExternalSemaphoreWaitNodeParams p{sems.data(), params.data(), unsigned(sems.size())};
            CUVK_CUDA(cudaGraphAddExternalSemaphoresWaitNode(&g.wait, graph, nullptr, 0, &p), name + ".graph wait");
            last = g.wait;
        }
        Slot& slot = o.slots[k_example % N];
        for (std::uint32_t i = 0; i < P; ++i) {
            if (i == (P == 1 ? 0u : 1u)) { // the delay: before the only part, or between the first and the second
                auto node = compute::spin_node(&o.spin_us);
                CUVK_CUDA(cudaGraphAddKernelNode(&g.spin, graph, &last, add_dep(), &node.params),
                          name + ".graph delay");
                last = g.spin;
            }
            cudaGraphNode_t fill = nullptr, signal = nullptr;
            auto node = compute::stress_fill_node(&slot.fills[i]);
            CUVK_CUDA(cudaGraphAddKernelNode(&fill, graph, &last, add_dep(), &node.params), name + ".graph fill");
            last = fill;
            cuda_signals(k_example, i, sems, values);
            std::vector<cudaExternalSemaphoreSignalParams> params(sems.size());
            const cudaExternalSemaphoreSignalNodeParams p{sems.data(), params.data(), unsigned(sems.size())};
            CUVK_CUDA(cudaGraphAddExternalSemaphoresSignalNode(&signal, graph, &last, 1, &p), name + ".graph signal");
            last = signal;
            g.fills.push_back(fill);
            g.signals.push_back(signal);
        }
        cudaGraphExec_t exec = nullptr;
        CUVK_CUDA(cudaGraphInstantiate(&exec, graph, 0), name + ".graph instantiate");
        g.exec = compute::UniqueGraphExec(exec);
        return g;
    };
    if (phase.producer == StressProducer::graph) {
        if (timeline) {
            o.graphs.push_back(build_graph(0, true));
        } else {
            for (std::uint32_t s = 0; s < N; ++s) {
                o.graphs.push_back(build_graph(s, true));
                o.graphs.push_back(build_graph(s, false));
            }
        }
    }

    auto delay_of = [](const std::vector<std::uint16_t>& d, std::uint32_t k) -> std::uint32_t {
        return k < d.size() ? d[k] : 0;
    };

    // CUDA's frame k.
    std::vector<cudaExternalSemaphore_t> sems;
    std::vector<std::uint64_t> values;
    auto produce = [&](std::uint32_t k) {
        progress("CUDA: enqueue frame");
        Slot& slot = o.slots[k % N];
        for (auto& f : slot.fills)
            f.frame = first_frame + k;
        const std::uint32_t delay = delay_of(phase.producer_delay_us, k);
        cudaStream_t stream = o.main.get();
        switch (phase.producer) {
        case StressProducer::stream:
            cuda_waits(k, sems, values);
            if (info_.withhold_signal && k == std::min(5u, phase.frames - 1)) { // a value Vulkan never signals
                sems.assign(1, o.consumed[0].cuda());
                values.assign(1, std::uint64_t(1) << 40);
            }
            wait_sems(sems, values, stream, name + " CUDA wait");
            for (std::uint32_t i = 0; i < P; ++i) {
                if (i == (P == 1 ? 0u : 1u))
                    compute::launch_spin(delay, stream);
                compute::launch_stress_fill(slot.fills[i], stream);
                cuda_signals(k, i, sems, values);
                signal_sems(sems, values, stream, name + " CUDA signal");
            }
            break;
        case StressProducer::streams: {
            cuda_waits(k, sems, values);
            wait_sems(sems, values, stream, name + " CUDA wait");
            CUVK_CUDA(cudaEventRecord(o.start.get(), stream), name + ".start");
            const std::uint32_t sides = std::uint32_t(o.sides.size());
            for (std::uint32_t t = 0; t < sides; ++t) {
                cudaStream_t side = o.sides[t].get();
                CUVK_CUDA(cudaStreamWaitEvent(side, o.start.get(), 0), name + " side wait");
                if (t == 0)
                    compute::launch_spin(delay, side);
                if (P > 1) { // each side stream writes and signals its own part
                    compute::launch_stress_fill(slot.fills[t], side);
                    cuda_signals(k, t, sems, values);
                    signal_sems(sems, values, side, name + " CUDA signal");
                } else { // one part written by two streams in halves, signalled once both are joined
                    compute::StressFill half = slot.fills[0];
                    std::tie(half.row_begin, half.row_end) = part_rows(t, sides, phase.extent.height);
                    compute::launch_stress_fill(half, side);
                }
                CUVK_CUDA(cudaEventRecord(o.joined[t].get(), side), name + ".joined");
                CUVK_CUDA(cudaStreamWaitEvent(stream, o.joined[t].get(), 0), name + " join");
            }
            if (P == 1) {
                cuda_signals(k, 0, sems, values);
                signal_sems(sems, values, stream, name + " CUDA signal");
            }
            break;
        }
        case StressProducer::graph: {
            GraphExec& g = timeline ? o.graphs[0] : o.graphs[(k % N) * 2 + (k < N ? 1 : 0)];
            cudaGraphExec_t exec = g.exec.get();
            if (g.wait) {
                cuda_waits(k < N ? k + N : k, sems, values); // timeline: the same semaphores, values set below
                std::vector<cudaExternalSemaphoreWaitParams> params(sems.size());
                for (std::size_t i = 0; i < sems.size(); ++i) // timeline frames before N wait for 0: passed at once
                    params[i].params.fence.value = k < N ? 0 : values[i];
                const cudaExternalSemaphoreWaitNodeParams p{sems.data(), params.data(), unsigned(sems.size())};
                CUVK_CUDA(cudaGraphExecExternalSemaphoresWaitNodeSetParams(exec, g.wait, &p), name + " graph wait");
            }
            o.spin_us = delay;
            auto spin = compute::spin_node(&o.spin_us);
            CUVK_CUDA(cudaGraphExecKernelNodeSetParams(exec, g.spin, &spin.params), name + " graph delay");
            for (std::uint32_t i = 0; i < P; ++i) {
                auto fill = compute::stress_fill_node(&slot.fills[i]);
                CUVK_CUDA(cudaGraphExecKernelNodeSetParams(exec, g.fills[i], &fill.params), name + " graph fill");
                if (timeline) {
                    cuda_signals(k, i, sems, values);
                    std::vector<cudaExternalSemaphoreSignalParams> params(sems.size());
                    for (std::size_t n = 0; n < sems.size(); ++n)
                        params[n].params.fence.value = values[n];
                    const cudaExternalSemaphoreSignalNodeParams p{sems.data(), params.data(), unsigned(sems.size())};
                    CUVK_CUDA(cudaGraphExecExternalSemaphoresSignalNodeSetParams(exec, g.signals[i], &p),
                              name + " graph signal");
                }
            }
            CUVK_CUDA(cudaGraphLaunch(exec, stream), name + " graph launch");
            break;
        }
        }
        CUVK_CUDA(cudaEventRecord(slot.produced.get(), stream), name + ".produced event");
        live_->cuda_frame = first_frame + k;
    };

    // Vulkan's frame k: the checking consumer, then the further ones (fan-out).
    auto consume = [&](std::uint32_t k) {
        progress("Vulkan: submit frame");
        Slot& slot = o.slots[k % N];
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
        for (std::uint32_t j = 0; j < W; ++j) {
            const int q = queue_of(j);
            std::vector<render::SemaphoreSubmit> waits, signals;
            // The fault drop_wait: the checker does not wait for the last part (so it may read a frame CUDA is still
            // writing: torn), or for anything when there is one part (stale).
            const std::uint32_t waited = j == 0 && info_.drop_wait ? P - 1 : P;
            for (std::uint32_t i = 0; i < waited; ++i)
                waits.push_back(timeline ? o.produced[i].vk_wait(core::TimelineValue{k + 1ull}, kCheckStage)
                                         : o.bproduced[((k % N) * P + i) * W + j].vk_wait(kCheckStage));
            signals.push_back(
                timeline ? o.consumed[j].vk_signal(core::TimelineValue{k + 1ull}, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT)
                         : o.bconsumed[(k % N) * W + j].vk_signal(VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT));
            result.pairs += waits.size();
            if (j > 0) { // a consumer that only waits and signals
                render::submit(
                    ctx_, {.waits = waits, .signals = signals, .name = name + ".fan-out", .queue = queues.queue[q]});
                continue;
            }
            const VkCommandBuffer cmd = slot.cmd[q];
            CUVK_VK(vkResetCommandBuffer(cmd, 0), name + ".cmd");
            const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                                 .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
            CUVK_VK(vkBeginCommandBuffer(cmd, &begin), name + ".cmd");
            if (phase.image)
                interop::acquire_from_external(cmd, slot.image.vk(), queues.family[q], kCheckStage, kCheckAccess);
            else
                interop::acquire_from_external(cmd, slot.buffer.vk(), queues.family[q], kCheckStage, kCheckAccess);
            o.verifiers[q].record_delay(cmd, slot.set[q], delay_of(phase.consumer_delay_us, k));
            o.verifiers[q].record_check(cmd, slot.set[q], first_frame + k);
            if (phase.image)
                interop::release_to_external(cmd, slot.image.vk(), queues.family[q], kCheckStage, VK_ACCESS_2_NONE);
            else
                interop::release_to_external(cmd, slot.buffer.vk(), queues.family[q], kCheckStage, VK_ACCESS_2_NONE);
            CUVK_VK(vkEndCommandBuffer(cmd), name + ".cmd");
            const VkCommandBuffer cmds[] = {cmd};
            render::submit(ctx_, {.commands = cmds,
                                  .waits = waits,
                                  .signals = signals,
                                  .fence = slot.fence.get(),
                                  .name = name + ".check",
                                  .queue = queues.queue[q]});
            slot.fence_pending = true;
        }
        live_->vulkan_frame = first_frame + k;
    };

    auto wait_fence = [&](Slot& slot) {
        progress("host: wait for a Vulkan fence");
        while (render::wait_fence(ctx_, slot.fence.get(), kSlice, name + ".fence") == render::WaitOutcome::timeout) {
        }
        const VkFence fence = slot.fence.get();
        CUVK_VK(vkResetFences(ctx_.device(), 1, &fence), name + ".fence");
        slot.fence_pending = false;
    };

    // Before frame k reuses slot k mod N: frame k-N's check must have finished (its command buffer is reused).
    auto pace = [&](std::uint32_t k) {
        Slot& slot = o.slots[k % N];
        if (!slot.fence_pending)
            return;
        switch (phase.pacing) {
        case HostPacing::fence:
            break;
        case HostPacing::cuda_event:
            progress("host: wait for a CUDA event");
            CUVK_CUDA(cudaEventSynchronize(slot.produced.get()), name + ".produced event");
            break;
        case HostPacing::polling:
            progress("host: poll the consumed counter");
            if (timeline) {
                std::uint64_t value = 0;
                do {
                    CUVK_VK(vkGetSemaphoreCounterValue(ctx_.device(), o.consumed[0].vk(), &value), name + ".consumed");
                    if (value < k + 1 - N)
                        std::this_thread::yield();
                } while (value < k + 1 - N);
            } else {
                VkResult r;
                while ((r = vkGetFenceStatus(ctx_.device(), slot.fence.get())) == VK_NOT_READY)
                    std::this_thread::yield();
                CUVK_VK(r, name + ".fence");
            }
            break;
        }
        wait_fence(slot); // at once after the above; tells the validation layer the command buffer is free
        live_->paced_frame = first_frame + k;
    };

    {
        const std::lock_guard lock(live_->mutex);
        live_->phase = index;
        live_->produced = timeline ? o.produced[0].vk() : VK_NULL_HANDLE;
        live_->consumed = timeline ? o.consumed[0].vk() : VK_NULL_HANDLE;
    }
    struct Unpublish {
        Live& live;
        ~Unpublish() {
            const std::lock_guard lock(live.mutex);
            live.produced = live.consumed = VK_NULL_HANDLE;
        }
    } unpublish{*live_};

    const auto t0 = std::chrono::steady_clock::now();
    std::uint32_t k = 0;
    try {
        for (; k < phase.frames; ++k) {
            if (info_.stop && info_.stop())
                break;
            pace(k);
            if (phase.wait_before_signal && timeline) {
                consume(k);
                produce(k);
            } else {
                produce(k);
                consume(k);
            }
            if (k >= N)
                result.pairs += W; // CUDA's waits for every consumer
        }
    } catch (...) {
        // A failure between a submitted Vulkan wait and CUDA's signal for it (wait-before-signal) would leave the queue
        // waiting forever in teardown: once CUDA's enqueued work is done, the host signals what CUDA never will.
        if (timeline && phase.wait_before_signal) {
            (void)cudaStreamSynchronize(o.main.get());
            for (std::uint32_t i = 0; i < P; ++i) {
                std::uint64_t value = 0;
                if (vkGetSemaphoreCounterValue(ctx_.device(), o.produced[i].vk(), &value) == VK_SUCCESS &&
                    value < k + 1ull) {
                    const VkSemaphoreSignalInfo signal{.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
                                                       .semaphore = o.produced[i].vk(),
                                                       .value = k + 1ull};
                    (void)vkSignalSemaphore(ctx_.device(), &signal);
                }
            }
        }
        throw;
    }
    progress("phase: drain");
    for (auto& slot : o.slots)
        if (slot.fence_pending)
            wait_fence(slot);
    compute::synchronize(o.main.get(), name + ".stream");
    for (const auto& side : o.sides)
        compute::synchronize(side.get(), name + ".side");
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    result.frames = k;
    for (const auto& v : o.verifiers)
        result.verify += v.totals();
    result.ran = true;
    progress("phase: teardown");
    return result;
}

} // namespace cuvk::engine
