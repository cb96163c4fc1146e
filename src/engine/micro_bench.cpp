// The micro-benchmarks (micro_bench.hpp), CUDA builds. Each one times `iterations` repetitions of one thing after a
// few untimed ones, on the display GPU's CUDA device; GPU-side times come from CUDA events, host-side ones from the
// steady clock, CPU time from the calling thread's CPU clock.

#include "cuvk/engine/micro_bench.hpp"

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/handles.hpp"
#include "cuvk/compute/micro_kernels.hpp"
#include "cuvk/compute/stream.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/interop/cuda_device.hpp"
#include "cuvk/interop/handoff.hpp"
#include "cuvk/interop/probe.hpp"
#include "cuvk/interop/shared_buffer.hpp"
#include "cuvk/interop/shared_image.hpp"
#include "cuvk/interop/shared_semaphore.hpp"
#include "cuvk/render/buffer.hpp"
#include "cuvk/render/check.hpp"
#include "cuvk/render/commands.hpp"
#include "cuvk/render/image.hpp"
#include "cuvk/render/timestamps.hpp"
#include "gl_context.hpp"

#include <GL/gl.h> // cuda_gl_interop.h expects GL's types from here
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <cuda_gl_interop.h>
#include <functional>
#include <initializer_list>
#include <memory>
#include <numeric>
#include <span>
#include <thread>

namespace cuvk::engine {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint32_t kWarmup = 3;
constexpr auto kGpuTimeout = std::chrono::seconds(10);

struct DeviceFree {
    void operator()(void* p) const noexcept { (void)cudaFree(p); }
};
struct HostFree {
    void operator()(void* p) const noexcept { (void)cudaFreeHost(p); }
};
struct ArrayFree {
    void operator()(cudaArray_t a) const noexcept { (void)cudaFreeArray(a); }
};
using DeviceBuffer = core::Unique<void*, DeviceFree>;
using PinnedBuffer = core::Unique<void*, HostFree>;
using UniqueArray = core::Unique<cudaArray_t, ArrayFree>;

DeviceBuffer device_buffer(std::size_t bytes, const std::string& name) {
    void* p = nullptr;
    CUVK_CUDA(cudaMalloc(&p, bytes), name);
    return DeviceBuffer(p);
}

PinnedBuffer pinned_buffer(std::size_t bytes, const std::string& name) {
    void* p = nullptr;
    CUVK_CUDA(cudaMallocHost(&p, bytes), name);
    return PinnedBuffer(p);
}

double thread_cpu_us() {
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e6 + double(t.tv_nsec) * 1e-3;
}

// Nearest rank, as the bench's other percentiles.
double percentile(const std::vector<double>& sorted, double p) {
    const auto rank = std::size_t(std::ceil(p / 100.0 * double(sorted.size())));
    return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

MicroResult summarize(std::string group, std::string name, std::vector<double> us, double cpu_us, double bytes = 0) {
    MicroResult r{.group = std::move(group), .name = std::move(name), .iterations = std::uint32_t(us.size())};
    if (us.empty())
        return r;
    std::sort(us.begin(), us.end());
    r.p50_us = percentile(us, 50);
    r.p99_us = percentile(us, 99);
    r.mean_us = std::accumulate(us.begin(), us.end(), 0.0) / double(us.size());
    r.cpu_us = cpu_us / double(us.size());
    r.bytes = bytes;
    return r;
}

// Runs `once` kWarmup + n times; `once` returns the iteration's time in µs.
MicroResult repeat(std::string group, std::string name, std::uint32_t n, const std::function<double()>& once,
                   double bytes = 0) {
    for (std::uint32_t i = 0; i < kWarmup; ++i)
        (void)once();
    std::vector<double> us;
    us.reserve(n);
    const double cpu0 = thread_cpu_us();
    for (std::uint32_t i = 0; i < n; ++i)
        us.push_back(once());
    return summarize(std::move(group), std::move(name), std::move(us), thread_cpu_us() - cpu0, bytes);
}

double since_us(Clock::time_point start) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

// GPU time of what `enqueue` puts on `stream`, between two timing events, waited for with the stream.
class EventTimer {
public:
    explicit EventTimer(cudaStream_t stream)
        : stream_(stream), start_(compute::create_event("micro.start", true)),
          end_(compute::create_event("micro.end", true)) {}
    double operator()(const std::function<void()>& enqueue) const {
        CUVK_CUDA(cudaEventRecord(start_.get(), stream_), "micro timing");
        enqueue();
        CUVK_CUDA(cudaEventRecord(end_.get(), stream_), "micro timing");
        CUVK_CUDA(cudaEventSynchronize(end_.get()), "micro timing");
        float ms = 0;
        CUVK_CUDA(cudaEventElapsedTime(&ms, start_.get(), end_.get()), "micro timing");
        return double(ms) * 1e3;
    }

private:
    cudaStream_t stream_;
    compute::UniqueEvent start_, end_;
};

// The smallest Vulkan work: one command buffer filling 4 bytes of a small device buffer, recorded once and
// submitted again and again, each time with a fence (and optionally semaphores).
class VulkanTick {
public:
    explicit VulkanTick(const render::Context& ctx)
        : ctx_(ctx), o_(new Objects{render::CommandPool::create(ctx, "micro.pool"),
                                    render::Buffer::create(ctx, {.size = 256,
                                                                 .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                                                 .name = "micro.vulkan-tick"}),
                                    render::create_fence(ctx, "micro.fence")}) {
        cmd_ = o_->pool.allocate("micro.vulkan-tick");
        // Simultaneous use: the handoff submits it again while an earlier submission may still be pending.
        const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                             .flags = VK_COMMAND_BUFFER_USAGE_SIMULTANEOUS_USE_BIT};
        CUVK_VK(vkBeginCommandBuffer(cmd_, &begin), "micro.vulkan-tick");
        vkCmdFillBuffer(cmd_, o_->buffer.get(), 0, 4, 1u);
        CUVK_VK(vkEndCommandBuffer(cmd_), "micro.vulkan-tick");
    }
    // Waits (bounded) for every submission so far; if the GPU never finishes them (a CUDA fault left a semaphore
    // unsignalled), leaks the command buffer, the buffer and the fences rather than destroy them in use.
    ~VulkanTick() {
        bool idle = false;
        try {
            auto last = render::create_fence(ctx_, "micro.teardown");
            render::submit(ctx_, {.fence = last.get(), .name = "micro.teardown"});
            idle = render::wait_fence(ctx_, last.get(), kGpuTimeout, "micro.teardown") == render::WaitOutcome::reached;
            if (!idle)
                (void)last.release();
        } catch (...) {
        }
        if (!idle)
            (void)o_.release();
    }
    VulkanTick(const VulkanTick&) = delete;
    VulkanTick& operator=(const VulkanTick&) = delete;

    // Submits the tick; `fenced` signals the fence (wait for it and reset it with wait_fence()).
    void submit(std::span<const render::SemaphoreSubmit> waits = {},
                std::span<const render::SemaphoreSubmit> signals = {}, bool fenced = true) const {
        render::submit(ctx_, {.commands = {&cmd_, 1},
                              .waits = waits,
                              .signals = signals,
                              .fence = fenced ? o_->fence.get() : VK_NULL_HANDLE,
                              .name = "micro.vulkan-tick"});
    }
    void wait_fence() const {
        const VkFence f = o_->fence.get();
        if (render::wait_fence(ctx_, f, kGpuTimeout, "micro.fence") == render::WaitOutcome::timeout)
            core::fail("the Vulkan tick did not finish within 10 s", "micro.fence");
        CUVK_VK(vkResetFences(ctx_.device(), 1, &f), "micro.fence");
    }

private:
    struct Objects { // creation order
        render::CommandPool pool;
        render::Buffer buffer;
        render::UniqueFence fence;
    };
    const render::Context& ctx_;
    std::unique_ptr<Objects> o_;
    VkCommandBuffer cmd_ = VK_NULL_HANDLE;
};

// Owns what CUDA work on `stream` may use (semaphores): destroyed only once the stream is idle (bounded, 5 s), else
// leaked — after a failure the stream may wait forever for a value nobody signals. Declare it before a VulkanTick,
// so that Vulkan's submissions are waited for first.
template <class T> class AfterStream {
public:
    AfterStream(cudaStream_t stream, T value) : stream_(stream), owned_(std::make_unique<T>(std::move(value))) {}
    ~AfterStream() {
        if (!compute::drain(stream_, std::chrono::seconds(5)))
            (void)owned_.release();
    }
    AfterStream(const AfterStream&) = delete;
    AfterStream& operator=(const AfterStream&) = delete;
    const T& operator*() const { return *owned_; }
    const T* operator->() const { return owned_.get(); }

private:
    cudaStream_t stream_;
    std::unique_ptr<T> owned_;
};

void add(MicroReport& report, MicroResult r) {
    report.results.push_back(std::move(r));
}

void bandwidth(const render::Context& ctx, const interop::CudaDevice& cuda, const MicroOptions& o, cudaStream_t stream,
               MicroReport& report) {
    const std::size_t bytes = o.bytes;
    const std::uint32_t n = std::max<std::uint32_t>(o.iterations / 8, 5);
    const EventTimer time(stream);
    std::uint32_t value = 0;
    {
        const auto plain = device_buffer(bytes, "micro.cudaMalloc");
        add(report, repeat(
                        "bandwidth", "kernel writes cudaMalloc memory", n,
                        [&] { return time([&] { compute::launch_write_words(plain.get(), bytes, ++value, stream); }); },
                        double(bytes)));
    }
    {
        const auto shared = interop::SharedBuffer::create(ctx, cuda, {.size = bytes, .name = "micro.imported-buffer"});
        add(report,
            repeat(
                "bandwidth", "kernel writes imported Vulkan buffer", n,
                [&] { return time([&] { compute::launch_write_words(shared.cuda_ptr(), bytes, ++value, stream); }); },
                double(bytes)));
    }
    // Images of 32-bit texels, 8192 wide, as many rows as the bytes give.
    const core::Extent2D extent{8192, std::uint32_t(bytes / (8192 * 4))};
    {
        const cudaChannelFormatDesc format = cudaCreateChannelDesc(8, 8, 8, 8, cudaChannelFormatKindUnsigned);
        cudaArray_t raw = nullptr;
        CUVK_CUDA(cudaMallocArray(&raw, &format, extent.width, extent.height, cudaArraySurfaceLoadStore),
                  "micro.cudaArray");
        const UniqueArray array(raw);
        cudaResourceDesc res{};
        res.resType = cudaResourceTypeArray;
        res.res.array.array = array.get();
        cudaSurfaceObject_t surface = 0;
        CUVK_CUDA(cudaCreateSurfaceObject(&surface, &res), "micro.cudaArray surface");
        const compute::UniqueSurface owned(surface);
        add(report, repeat(
                        "bandwidth", "surface writes cudaArray", n,
                        [&] {
                            return time([&] { compute::launch_write_surface({surface, extent}, ++value, stream); });
                        },
                        double(extent.width) * extent.height * 4));
    }
    {
        const auto image = interop::SharedImage::create(
            ctx, cuda, {.extent = extent, .format = VK_FORMAT_R8G8B8A8_UNORM, .name = "micro.imported-image"});
        add(report, repeat(
                        "bandwidth", "surface writes imported Vulkan image", n,
                        [&] { return time([&] { compute::launch_write_surface(image.surface(), ++value, stream); }); },
                        double(extent.width) * extent.height * 4));
    }
    compute::synchronize(stream, "micro bandwidth");
    const auto ratio = [&](const char* imported, const char* plain, const char* figure) {
        const auto *a = report.find(imported), *b = report.find(plain);
        if (a && b)
            report.derived.push_back({figure, 100.0 * a->gb_per_s() / b->gb_per_s(), "%",
                                      std::string(imported) + " / " + plain + ", GB/s at the median"});
    };
    ratio("kernel writes imported Vulkan buffer", "kernel writes cudaMalloc memory",
          "imported buffer bandwidth, share of cudaMalloc's");
    ratio("surface writes imported Vulkan image", "surface writes cudaArray",
          "imported image bandwidth, share of cudaArray's");
}

void pcie(const MicroOptions& o, cudaStream_t stream, MicroReport& report) {
    const std::size_t bytes = o.bytes;
    const std::uint32_t n = std::max<std::uint32_t>(o.iterations / 8, 5);
    const auto host_a = pinned_buffer(bytes, "micro.pinned"), host_b = pinned_buffer(bytes, "micro.pinned");
    const auto dev_a = device_buffer(bytes, "micro.device"), dev_b = device_buffer(bytes, "micro.device");
    const EventTimer time(stream);
    add(report, repeat(
                    "pcie", "pinned D2H", n,
                    [&] {
                        return time([&] {
                            CUVK_CUDA(cudaMemcpyAsync(host_a.get(), dev_a.get(), bytes, cudaMemcpyDeviceToHost, stream),
                                      "D2H");
                        });
                    },
                    double(bytes)));
    add(report, repeat(
                    "pcie", "pinned H2D", n,
                    [&] {
                        return time([&] {
                            CUVK_CUDA(cudaMemcpyAsync(dev_a.get(), host_a.get(), bytes, cudaMemcpyHostToDevice, stream),
                                      "H2D");
                        });
                    },
                    double(bytes)));
    // Both directions at once: H2D on a second stream that forks from and joins the timed one.
    const auto side = compute::create_stream("micro.side");
    const auto fork = compute::create_event("micro.fork"), join = compute::create_event("micro.join");
    add(report,
        repeat(
            "pcie", "pinned D2H + H2D at once", n,
            [&] {
                return time([&] {
                    CUVK_CUDA(cudaEventRecord(fork.get(), stream), "fork");
                    CUVK_CUDA(cudaStreamWaitEvent(side.get(), fork.get(), 0), "fork");
                    CUVK_CUDA(cudaMemcpyAsync(host_a.get(), dev_a.get(), bytes, cudaMemcpyDeviceToHost, stream), "D2H");
                    CUVK_CUDA(cudaMemcpyAsync(dev_b.get(), host_b.get(), bytes, cudaMemcpyHostToDevice, side.get()),
                              "H2D");
                    CUVK_CUDA(cudaEventRecord(join.get(), side.get()), "join");
                    CUVK_CUDA(cudaStreamWaitEvent(stream, join.get(), 0), "join");
                });
            },
            2.0 * double(bytes)));
}

void context_switch(const render::Context& ctx, const MicroOptions& o, cudaStream_t stream, std::uint32_t* counter,
                    MicroReport& report) {
    const VulkanTick vk(ctx);
    const auto done = compute::create_event("micro.done");
    const auto cuda_tick = [&] {
        compute::launch_tick(counter, stream);
        CUVK_CUDA(cudaEventRecord(done.get(), stream), "micro.done");
        CUVK_CUDA(cudaEventSynchronize(done.get()), "micro.done");
    };
    const auto vulkan_tick = [&] {
        vk.submit();
        vk.wait_fence();
    };
    const auto cycle = [&](const std::function<void()>& f) {
        return [f] {
            const auto start = Clock::now();
            f();
            return since_us(start);
        };
    };
    add(report, repeat("switch", "CUDA kernel, waited for (CUDA only)", o.iterations, cycle(cuda_tick)));
    add(report, repeat("switch", "Vulkan submit, waited for (Vulkan only)", o.iterations, cycle(vulkan_tick)));
    add(report, repeat("switch", "CUDA kernel then Vulkan submit, each waited for", o.iterations, cycle([&] {
                           cuda_tick();
                           vulkan_tick();
                       })));
    const auto *cu = report.find("CUDA kernel, waited for (CUDA only)"),
               *vu = report.find("Vulkan submit, waited for (Vulkan only)"),
               *both = report.find("CUDA kernel then Vulkan submit, each waited for");
    if (cu && vu && both)
        report.derived.push_back({"context switch, one way", (both->p50_us - cu->p50_us - vu->p50_us) / 2, "us",
                                  "(alternating cycle - CUDA-only cycle - Vulkan-only cycle) / 2, medians"});
}

void handoff(const render::Context& ctx, const interop::CudaDevice& cuda, const MicroOptions& o, cudaStream_t stream,
             std::uint32_t* counter, MicroReport& report) {
    const AfterStream to_cuda(stream, interop::SharedTimeline::create(ctx, cuda, {0}, "micro.to-cuda"));
    const AfterStream to_vulkan(stream, interop::SharedTimeline::create(ctx, cuda, {0}, "micro.to-vulkan"));
    const VulkanTick vk(ctx);
    std::uint64_t v = 0;
    add(report, repeat("handoff", "round trip Vulkan -> CUDA -> Vulkan (timeline semaphores)", o.iterations, [&] {
            const auto start = Clock::now();
            ++v;
            const render::SemaphoreSubmit signal = to_cuda->vk_signal({v}, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
            vk.submit({}, {&signal, 1}, false);
            to_cuda->cuda_wait(stream, {v});
            compute::launch_tick(counter, stream);
            to_vulkan->cuda_signal(stream, {v});
            const render::SemaphoreSubmit wait = to_vulkan->vk_wait({v}, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
            vk.submit({&wait, 1});
            vk.wait_fence();
            return since_us(start);
        }));
    const auto *rt = report.find("round trip Vulkan -> CUDA -> Vulkan (timeline semaphores)"),
               *alt = report.find("CUDA kernel then Vulkan submit, each waited for");
    if (rt && alt)
        report.derived.push_back({"round trip / alternating without semaphores", rt->p50_us / alt->p50_us, "x",
                                  "handoff round trip over the switch group's alternating cycle, medians"});
}

// The ring's CUDA side per frame: wait for a timeline value, a kernel, signal the next value. As stream calls, and as
// a graph captured once whose semaphore nodes get each frame's values (cudaGraphExec*NodeSetParams).
void graph_vs_stream(const render::Context& ctx, const interop::CudaDevice& cuda, const MicroOptions& o,
                     cudaStream_t stream, std::uint32_t* counter, MicroReport& report) {
    const AfterStream timeline(stream, interop::SharedTimeline::create(ctx, cuda, {0}, "micro.graph-timeline"));
    std::uint64_t v = 0;
    // Host time to enqueue one frame; the GPU catches up at the end of each block of frames.
    const auto frames = [&](const std::function<void()>& frame) {
        return [&, frame] {
            const auto start = Clock::now();
            frame();
            const double us = since_us(start);
            if (v % 64 == 0)
                compute::synchronize(stream, "micro.graph");
            return us;
        };
    };
    add(report, repeat("graph", "stream calls: external wait, kernel, external signal (host enqueue)", o.iterations,
                       frames([&] {
                           timeline->cuda_wait(stream, {v});
                           compute::launch_tick(counter, stream);
                           timeline->cuda_signal(stream, {++v});
                       })));
    compute::synchronize(stream, "micro.graph");
    cudaGraph_t raw = nullptr;
    CUVK_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal), "micro.graph capture");
    timeline->cuda_wait(stream, {v});
    compute::launch_tick(counter, stream);
    timeline->cuda_signal(stream, {v + 1});
    CUVK_CUDA(cudaStreamEndCapture(stream, &raw), "micro.graph capture");
    const compute::UniqueGraph graph(raw);
    std::size_t count = 0;
    CUVK_CUDA(cudaGraphGetNodes(graph.get(), nullptr, &count), "micro.graph nodes");
    std::vector<cudaGraphNode_t> nodes(count);
    CUVK_CUDA(cudaGraphGetNodes(graph.get(), nodes.data(), &count), "micro.graph nodes");
    cudaGraphNode_t wait_node = nullptr, signal_node = nullptr;
    for (const auto node : nodes) {
        cudaGraphNodeType type{};
        CUVK_CUDA(cudaGraphNodeGetType(node, &type), "micro.graph nodes");
        if (type == cudaGraphNodeTypeExtSemaphoreWait)
            wait_node = node;
        if (type == cudaGraphNodeTypeExtSemaphoreSignal)
            signal_node = node;
    }
    if (!wait_node || !signal_node)
        core::fail("stream capture gave no external-semaphore nodes", "micro.graph");
    cudaGraphExec_t raw_exec = nullptr;
    CUVK_CUDA(cudaGraphInstantiate(&raw_exec, graph.get(), 0), "micro.graph instantiate");
    const compute::UniqueGraphExec exec(raw_exec);
    cudaExternalSemaphore_t sem = timeline->cuda();
    add(report, repeat("graph", "graph launch, semaphore values patched (host enqueue)", o.iterations, frames([&] {
                           cudaExternalSemaphoreWaitParams wait{};
                           wait.params.fence.value = v;
                           const cudaExternalSemaphoreWaitNodeParams wp{&sem, &wait, 1};
                           CUVK_CUDA(cudaGraphExecExternalSemaphoresWaitNodeSetParams(exec.get(), wait_node, &wp),
                                     "micro.graph wait");
                           cudaExternalSemaphoreSignalParams signal{};
                           signal.params.fence.value = ++v;
                           const cudaExternalSemaphoreSignalNodeParams sp{&sem, &signal, 1};
                           CUVK_CUDA(cudaGraphExecExternalSemaphoresSignalNodeSetParams(exec.get(), signal_node, &sp),
                                     "micro.graph signal");
                           CUVK_CUDA(cudaGraphLaunch(exec.get(), stream), "micro.graph launch");
                       })));
    compute::synchronize(stream, "micro.graph");
    const auto *s = report.find("stream calls: external wait, kernel, external signal (host enqueue)"),
               *g = report.find("graph launch, semaphore values patched (host enqueue)");
    if (s && g)
        report.derived.push_back({"graph host time / stream host time", g->mean_us / s->mean_us, "x",
                                  "mean host time to enqueue one frame's CUDA side"});
}

void wait_policies(const render::Context& ctx, const interop::CudaDevice& cuda, bool semaphores, const MicroOptions& o,
                   cudaStream_t stream, std::uint32_t* counter, MicroReport& report) {
    const auto counter_semaphore = render::create_timeline_semaphore(ctx, 0, "micro.counter");
    const VulkanTick vk(ctx); // its submissions signal the counter: waited for before the counter goes
    std::uint64_t v = 0;
    const auto counter_value = [&] {
        std::uint64_t value = 0;
        CUVK_VK(vkGetSemaphoreCounterValue(ctx.device(), counter_semaphore.get(), &value), "micro.counter");
        return value;
    };
    const auto submit_counted = [&] {
        const render::SemaphoreSubmit signal{counter_semaphore.get(), ++v, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT};
        vk.submit({}, {&signal, 1}, false);
        return Clock::now();
    };
    const auto timed = [](const std::function<void()>& f) {
        return [f] {
            const auto start = Clock::now();
            f();
            return since_us(start);
        };
    };
    add(report, repeat("wait", "Vulkan fence (vkWaitForFences)", o.iterations, timed([&] {
                           vk.submit();
                           vk.wait_fence();
                       })));
    add(report, repeat("wait", "Vulkan timeline counter, spinning", o.iterations, timed([&] {
                           const auto start = submit_counted();
                           while (counter_value() < v)
                               if (Clock::now() - start > kGpuTimeout)
                                   core::fail("the Vulkan tick did not finish within 10 s", "micro.counter");
                       })));
    add(report,
        repeat("wait", "Vulkan timeline counter, spinning 200 us then vkWaitSemaphores", o.iterations, timed([&] {
                   const auto start = submit_counted();
                   while (counter_value() < v && Clock::now() - start < std::chrono::microseconds(200)) {
                   }
                   const VkSemaphore s = counter_semaphore.get();
                   const VkSemaphoreWaitInfo info{.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
                                                  .semaphoreCount = 1,
                                                  .pSemaphores = &s,
                                                  .pValues = &v};
                   CUVK_VK(vkWaitSemaphores(ctx.device(), &info,
                                            std::uint64_t(std::chrono::nanoseconds(kGpuTimeout).count())),
                           "micro.counter");
               })));
    for (const bool blocking : {false, true}) {
        cudaEvent_t raw = nullptr;
        CUVK_CUDA(cudaEventCreateWithFlags(&raw, cudaEventDisableTiming | (blocking ? cudaEventBlockingSync : 0)),
                  "micro.event");
        const compute::UniqueEvent event(raw);
        add(report,
            repeat("wait", blocking ? "cudaEventSynchronize, blocking-sync event" : "cudaEventSynchronize, spinning",
                   o.iterations, timed([&] {
                       compute::launch_tick(counter, stream);
                       CUVK_CUDA(cudaEventRecord(event.get(), stream), "micro.event");
                       CUVK_CUDA(cudaEventSynchronize(event.get()), "micro.event");
                   })));
    }
    if (!semaphores) {
        report.results.push_back({.group = "wait",
                                  .name = "vkWaitSemaphores on a value CUDA signals",
                                  .not_run = "the device cannot export timeline semaphores to CUDA"});
        return;
    }
    const AfterStream shared(stream, interop::SharedTimeline::create(ctx, cuda, {0}, "micro.cuda-signalled"));
    std::uint64_t w = 0;
    add(report, repeat("wait", "vkWaitSemaphores on a value CUDA signals",
                       std::max<std::uint32_t>(o.iterations / 10, 5), timed([&] {
                           compute::launch_tick(counter, stream);
                           shared->cuda_signal(stream, {++w});
                           const VkSemaphore s = shared->vk();
                           const VkSemaphoreWaitInfo info{.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
                                                          .semaphoreCount = 1,
                                                          .pSemaphores = &s,
                                                          .pValues = &w};
                           CUVK_VK(vkWaitSemaphores(ctx.device(), &info,
                                                    std::uint64_t(std::chrono::nanoseconds(kGpuTimeout).count())),
                                   "micro.cuda-signalled");
                       })));
    compute::synchronize(stream, "micro.wait");
}

// The queues a Vulkan upload can run on: the universal one, and the transfer-only one (the copy engines) where the
// device has it. `suffix` names results.
struct UploadQueue {
    VkQueue queue = VK_NULL_HANDLE;
    core::QueueFamily family;
    std::string suffix; // upload_queue_suffix
    // Timed by GPU timestamps (the universal queue); else by the host over kHostTimedCopies copies per submission
    // (a transfer-only queue cannot reset the timestamps' query pool: vkCmdResetQueryPool needs graphics or compute).
    bool timestamps = false;
};
constexpr std::uint32_t kHostTimedCopies = 8;

std::vector<UploadQueue> upload_queues(const render::Context& ctx) {
    std::vector<UploadQueue> out{{ctx.queue(), ctx.queue_family(), upload_queue_suffix(std::nullopt), true}};
    const auto transfer = ctx.transfer_queues();
    for (std::size_t i = 0; i < transfer.size(); ++i)
        out.push_back({transfer[i], ctx.transfer_queue_family(), upload_queue_suffix(i), false});
    return out;
}

std::vector<core::QueueFamily> families_of(const std::vector<UploadQueue>& queues) {
    std::vector<core::QueueFamily> out;
    for (const auto& q : queues)
        out.push_back(q.family);
    return out;
}

// Vulkan's half of staging: copies out of host-visible, host-coherent memory (what the staging backend uploads from)
// into a device-local 4K RGBA8 image and into a device-local buffer, timed by GPU timestamps around the copy, on each
// upload queue.
void vulkan_upload(const render::Context& ctx, const MicroOptions& o, MicroReport& report) {
    constexpr core::Extent2D k4k{3840, 2160};
    const std::size_t image_bytes = std::size_t(k4k.width) * k4k.height * 4;
    const std::uint32_t n = std::max<std::uint32_t>(o.iterations / 8, 5);
    auto timestamps = render::Timestamps::create(ctx, 1, "micro.upload");
    const auto queues = upload_queues(ctx);
    // Host-timed copies read a range of their own each (8 x 33 MB), so that none is served from the GPU's cache.
    const auto host = render::Buffer::create(
        ctx, {.size = std::max<VkDeviceSize>(image_bytes * (queues.size() > 1 ? kHostTimedCopies : 1), o.bytes),
              .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
              .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
              .concurrent = families_of(queues),
              .name = "micro.upload.host"});
    const auto image = render::Image::create(
        ctx, {.extent = k4k,
              .usage = VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_SAMPLED_BIT, // as a staging slot's
              .concurrent = families_of(queues),
              .name = "micro.upload.image"});
    const auto device = render::Buffer::create(ctx, {.size = o.bytes,
                                                     .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                                     .concurrent = families_of(queues),
                                                     .name = "micro.upload.device"});
    const auto fence = render::create_fence(ctx, "micro.upload.fence");
    render::submit_and_wait(
        ctx,
        [&](VkCommandBuffer cmd) { // (concurrent sharing: the layout holds for either queue)
            render::record_barrier(cmd, {.image = image.get(),
                                         .dst_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                         .dst_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                         .old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
                                         .new_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL});
        },
        "micro.upload.prepare");
    for (const auto& q : queues) {
        const std::string image_name = std::string("Vulkan upload: host memory -> 4K image") + q.suffix;
        const std::string buffer_name = std::string("Vulkan upload: host memory -> buffer") + q.suffix;
        if (q.timestamps && !timestamps.enabled()) {
            for (const auto& name : {image_name, buffer_name})
                report.results.push_back(
                    {.group = "pcie", .name = name, .not_run = "the queue family writes no timestamps"});
            continue;
        }
        auto pool = render::CommandPool::create(ctx, "micro.upload", q.family);
        const auto measure = [&](const std::string& name, double bytes,
                                 const std::function<void(VkCommandBuffer, std::uint32_t)>& copy) {
            const std::uint32_t copies = q.timestamps ? 1 : kHostTimedCopies;
            const VkCommandBuffer cmd = pool.allocate(name);
            const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
            CUVK_VK(vkBeginCommandBuffer(cmd, &begin), name);
            if (q.timestamps)
                timestamps.record_begin(cmd, 0);
            for (std::uint32_t i = 0; i < copies; ++i)
                copy(cmd, i);
            if (q.timestamps)
                timestamps.record_end(cmd, 0);
            CUVK_VK(vkEndCommandBuffer(cmd), name);
            add(report, repeat(
                            "pcie", name, n,
                            [&] {
                                const auto start = Clock::now();
                                render::submit(
                                    ctx, {.commands = {&cmd, 1}, .fence = fence.get(), .name = name, .queue = q.queue});
                                const VkFence f = fence.get();
                                if (render::wait_fence(ctx, f, kGpuTimeout, name) == render::WaitOutcome::timeout)
                                    core::fail("an upload did not finish within 10 s", name);
                                const double host_us = since_us(start) / copies;
                                CUVK_VK(vkResetFences(ctx.device(), 1, &f), name);
                                if (!q.timestamps)
                                    return host_us;
                                const auto ms = timestamps.read_ms(0);
                                if (!ms)
                                    core::fail("an upload's timestamps were not written", name);
                                return *ms * 1e3;
                            },
                            bytes));
        };
        measure(image_name, double(image_bytes), [&](VkCommandBuffer cmd, std::uint32_t i) {
            // Each copy overwrites the last one's texels (write after write), on whichever queue made them.
            render::record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                          VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
            const VkBufferImageCopy region{.bufferOffset = i * image_bytes,
                                           .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
                                           .imageExtent = {k4k.width, k4k.height, 1}};
            vkCmdCopyBufferToImage(cmd, host.get(), image.get(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
        });
        measure(buffer_name, double(o.bytes), [&](VkCommandBuffer cmd, std::uint32_t) { // (256 MiB: no cache holds it)
            render::record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                          VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
            const VkBufferCopy region{0, 0, o.bytes};
            vkCmdCopyBuffer(cmd, host.get(), device.get(), 1, &region);
        });
    }
}

// Staging's two crossings at once, as its throughput mode overlaps them: CUDA's pinned D2H of `bytes` and Vulkan's
// upload of as many from host-visible memory into a buffer, started together, on each upload queue; wall time on the
// host until both are done, both directions counted. Against "pinned D2H + H2D at once" (CUDA alone) it shows
// whether Vulkan's upload shares PCIe as well as CUDA's own H2D does.
void upload_beside_d2h(const render::Context& ctx, const MicroOptions& o, cudaStream_t stream, MicroReport& report) {
    const std::size_t bytes = o.bytes;
    const std::uint32_t n = std::max<std::uint32_t>(o.iterations / 8, 5);
    const auto queues = upload_queues(ctx);
    const auto pinned = pinned_buffer(bytes, "micro.beside.pinned");
    const auto dev = device_buffer(bytes, "micro.beside.device");
    const auto host = render::Buffer::create(
        ctx, {.size = bytes,
              .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
              .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
              .concurrent = families_of(queues),
              .name = "micro.beside.host"});
    const auto device = render::Buffer::create(ctx, {.size = bytes,
                                                     .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                                     .concurrent = families_of(queues),
                                                     .name = "micro.beside.device"});
    const auto fence = render::create_fence(ctx, "micro.beside.fence");
    for (const auto& q : queues) {
        const std::string name = std::string("pinned D2H + Vulkan upload at once") + q.suffix;
        auto pool = render::CommandPool::create(ctx, "micro.beside", q.family);
        const VkCommandBuffer cmd = pool.allocate(name);
        const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
        CUVK_VK(vkBeginCommandBuffer(cmd, &begin), name);
        render::record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                      VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
        const VkBufferCopy region{0, 0, bytes};
        vkCmdCopyBuffer(cmd, host.get(), device.get(), 1, &region);
        CUVK_VK(vkEndCommandBuffer(cmd), name);
        add(report,
            repeat(
                "pcie", name, n,
                [&] {
                    const auto start = Clock::now();
                    CUVK_CUDA(cudaMemcpyAsync(pinned.get(), dev.get(), bytes, cudaMemcpyDeviceToHost, stream), "D2H");
                    render::submit(ctx, {.commands = {&cmd, 1}, .fence = fence.get(), .name = name, .queue = q.queue});
                    const VkFence f = fence.get();
                    if (render::wait_fence(ctx, f, kGpuTimeout, name) == render::WaitOutcome::timeout)
                        core::fail("an upload did not finish within 10 s", name);
                    CUVK_VK(vkResetFences(ctx.device(), 1, &f), name);
                    compute::synchronize(stream, name);
                    return since_us(start);
                },
                2.0 * double(bytes)));
    }
}

// A handoff that did not finish: every timeline either side may be waiting on is signalled from the host far ahead,
// so that nothing stays blocked (Vulkan's submission finishes, CUDA's stream drains and what they use can go), then
// the measurement fails naming `what`.
[[noreturn]] void give_up(const render::Context& ctx, VkFence fence,
                          std::initializer_list<const interop::SharedTimeline*> timelines, const std::string& what) {
    try {
        for (const auto* t : timelines)
            t->host_signal_at_least({1ull << 40});
        (void)render::wait_fence(ctx, fence, kGpuTimeout, what);
    } catch (const core::Error&) { // the failure below is the one to report
    }
    core::fail(what + " did not finish within 10 s", "micro");
}

// What sharing R resources per frame costs, R = 1, 4, 16, 64 (64x64 RGBA8 images, one small kernel writing each):
// interop's round trip — CUDA waits for Vulkan, writes every image, signals; one Vulkan submission takes them all
// back (acquire) and hands them over again (release), as a ring's frame does, and signals CUDA's next value and a
// fence the host waits on — against CUDA-OpenGL's, where the same writes sit between one cudaGraphicsMapResources
// and one cudaGraphicsUnmapResources of all R textures, and the host waits on a GL fence after the unmap. The first
// grows by R barriers, the second by what the driver does per resource when mapping and unmapping.
void resources(const render::Context& ctx, const interop::CudaDevice& cuda, const MicroOptions& o, cudaStream_t stream,
               MicroReport& report) {
    const auto& kCounts = kResourceCounts;
    constexpr core::Extent2D kImage{64, 64};
    const auto name = [](const char* path, std::uint32_t r) { return resources_result_name(path, r); };
    for (const std::uint32_t r : kCounts) {
        std::vector<interop::SharedImage> images;
        for (std::uint32_t i = 0; i < r; ++i)
            images.push_back(interop::SharedImage::create(
                ctx, cuda, {.extent = kImage, .format = VK_FORMAT_R8G8B8A8_UNORM, .name = "micro.resource"}));
        const core::QueueFamily family = ctx.queue_family();
        render::submit_and_wait(
            ctx,
            [&](VkCommandBuffer cmd) {
                for (const auto& im : images)
                    interop::prepare_for_external(cmd, im.vk(), family);
            },
            "micro.resources.prepare");
        const AfterStream to_cuda(stream, interop::SharedTimeline::create(ctx, cuda, {1}, "micro.resources.to-cuda"));
        const AfterStream to_vulkan(stream,
                                    interop::SharedTimeline::create(ctx, cuda, {0}, "micro.resources.to-vulkan"));
        auto pool = render::CommandPool::create(ctx, "micro.resources");
        const VkCommandBuffer cmd = pool.allocate("micro.resources");
        const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
        CUVK_VK(vkBeginCommandBuffer(cmd, &begin), "micro.resources");
        for (const auto& im : images)
            interop::acquire_from_external(cmd, im.vk(), family, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                           VK_ACCESS_2_SHADER_SAMPLED_READ_BIT);
        for (const auto& im : images)
            interop::release_to_external(cmd, im.vk(), family, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                         VK_ACCESS_2_NONE);
        CUVK_VK(vkEndCommandBuffer(cmd), "micro.resources");
        const auto fence = render::create_fence(ctx, "micro.resources.fence");
        std::uint64_t v = 0;
        add(report, repeat("resources", name("interop", r), o.iterations, [&] {
                const auto start = Clock::now();
                ++v;
                to_cuda->cuda_wait(stream, {v});
                for (const auto& im : images)
                    compute::launch_write_surface(im.surface(0), std::uint32_t(v), stream);
                to_vulkan->cuda_signal(stream, {v});
                const render::SemaphoreSubmit wait = to_vulkan->vk_wait({v}, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT);
                const render::SemaphoreSubmit signal =
                    to_cuda->vk_signal({v + 1}, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
                render::submit(ctx, {.commands = {&cmd, 1},
                                     .waits = {&wait, 1},
                                     .signals = {&signal, 1},
                                     .fence = fence.get(),
                                     .name = "micro.resources"});
                const VkFence f = fence.get();
                if (render::wait_fence(ctx, f, kGpuTimeout, "micro.resources.fence") == render::WaitOutcome::timeout)
                    give_up(ctx, f, {&*to_cuda, &*to_vulkan}, "a resources round trip");
                CUVK_VK(vkResetFences(ctx.device(), 1, &f), "micro.resources.fence");
                return since_us(start);
            }));
        compute::synchronize(stream, "micro.resources");
    }

    std::unique_ptr<gl::Context> glc;
    try {
        glc = gl::Context::create(cuda.ordinal);
    } catch (const core::Error& e) {
        for (const std::uint32_t r : kCounts)
            report.results.push_back({.group = "resources",
                                      .name = name("CUDA-GL", r),
                                      .not_run = "no headless GL context: " + e.message()});
    }
    for (const std::uint32_t r : glc ? std::span<const std::uint32_t>(kCounts) : std::span<const std::uint32_t>()) {
        const auto& gl = glc->gl();
        std::vector<gl::Texture> textures;
        std::vector<cudaGraphicsResource_t> registered;
        struct Unregister { // before the textures go (declared after them)
            std::vector<cudaGraphicsResource_t>& r;
            ~Unregister() {
                for (auto* g : r)
                    (void)cudaGraphicsUnregisterResource(g);
            }
        } unregister{registered};
        for (std::uint32_t i = 0; i < r; ++i) {
            textures.emplace_back(*glc, gl::TextureInfo{.extent = kImage, .format = GL_RGBA8});
            cudaGraphicsResource_t g = nullptr;
            CUVK_CUDA(cudaGraphicsGLRegisterImage(&g, textures.back().get(), GL_TEXTURE_2D,
                                                  cudaGraphicsRegisterFlagsSurfaceLoadStore),
                      "micro.resources.gl");
            registered.push_back(g);
        }
        std::vector<cudaArray_t> arrays(r, nullptr);
        std::vector<compute::UniqueSurface> surfaces(r);
        std::uint32_t value = 0;
        add(report, repeat("resources", name("CUDA-GL", r), o.iterations, [&] {
                const auto start = Clock::now();
                CUVK_CUDA(cudaGraphicsMapResources(int(r), registered.data(), stream), "micro.resources.gl map");
                for (std::uint32_t i = 0; i < r; ++i) {
                    cudaArray_t a = nullptr;
                    CUVK_CUDA(cudaGraphicsSubResourceGetMappedArray(&a, registered[i], 0, 0), "micro.resources.gl");
                    if (a != arrays[i]) { // surfaces are made once per array the mapping gives
                        cudaResourceDesc res{};
                        res.resType = cudaResourceTypeArray;
                        res.res.array.array = a;
                        cudaSurfaceObject_t s = 0;
                        CUVK_CUDA(cudaCreateSurfaceObject(&s, &res), "micro.resources.gl surface");
                        surfaces[i] = compute::UniqueSurface(s);
                        arrays[i] = a;
                    }
                    compute::launch_write_surface({surfaces[i].get(), kImage}, ++value, stream);
                }
                CUVK_CUDA(cudaGraphicsUnmapResources(int(r), registered.data(), stream), "micro.resources.gl unmap");
                GLsync done = gl.FenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
                if (!done)
                    glc->check("micro.resources.gl fence"); // throws with GL's error
                const GLenum w = gl.ClientWaitSync(done, GL_SYNC_FLUSH_COMMANDS_BIT, 10'000'000'000ull);
                gl.DeleteSync(done);
                if (w != GL_ALREADY_SIGNALED && w != GL_CONDITION_SATISFIED)
                    core::fail("a CUDA-GL round trip did not finish within 10 s", "micro.resources.gl");
                return since_us(start);
            }));
        compute::synchronize(stream, "micro.resources.gl");
    }
    for (const char* path : {"interop", "CUDA-GL"}) {
        const auto *one = report.find(name(path, 1)), *many = report.find(name(path, 64));
        if (one && many)
            report.derived.push_back({std::string(path) + ": each further resource per frame",
                                      (many->p50_us - one->p50_us) / 63.0, "us",
                                      "(64 resources - 1 resource) / 63, round-trip medians"});
    }
}

// One-way handoff latency, each direction on one clock: Vulkan's timestamps through VK_EXT_calibrated_timestamps
// (render::Timestamps), CUDA's %globaltimer set against the host's clock by a kernel that spins until it sees a host
// write and stamps the moment (the offset of the median of 21 such samples; it makes CUDA's times early by the time
// the GPU takes to see the write, about a microsecond over PCIe). CUDA -> Vulkan: a kernel stamps the global timer
// and CUDA signals a timeline the waiting Vulkan submission's first timestamp follows; Vulkan -> CUDA: the submission's
// last timestamp, then its signal, for which CUDA waits before a kernel stamps the timer.
void oneway(const render::Context& ctx, const interop::CudaDevice& cuda, const MicroOptions& o, cudaStream_t stream,
            MicroReport& report) {
    const char* kToVulkan = "CUDA -> Vulkan, signal to the waiting submission's start";
    const char* kToCuda = "Vulkan -> CUDA, the submission's end to the waiting kernel";
    auto timestamps = render::Timestamps::create(ctx, 2, "micro.oneway");
    if (!timestamps.calibrated()) {
        for (const char* n : {kToVulkan, kToCuda})
            report.results.push_back({.group = "oneway",
                                      .name = n,
                                      .not_run =
                                          "the device has no calibrated timestamps (VK_EXT_calibrated_timestamps "
                                          "with CLOCK_MONOTONIC)"});
        return;
    }
    const auto flag_memory = pinned_buffer(sizeof(std::uint32_t), "micro.oneway.flag");
    const auto stamp_memory = pinned_buffer(sizeof(std::uint64_t), "micro.oneway.stamp");
    auto* flag = static_cast<volatile std::uint32_t*>(flag_memory.get());
    auto* stamp = static_cast<volatile std::uint64_t*>(stamp_memory.get());

    // The global timer against the host's clock (host = global + offset), before and after the measurement: the two
    // clocks drift apart by tens of ppm, so each iteration takes the offset interpolated to its place between them.
    const auto calibrate = [&] {
        std::vector<std::int64_t> offsets;
        for (int i = 0; i < 21; ++i) {
            *flag = 0;
            compute::launch_stamp_when_set(static_cast<const std::uint32_t*>(flag_memory.get()),
                                           static_cast<std::uint64_t*>(stamp_memory.get()), stream);
            std::this_thread::sleep_for(std::chrono::milliseconds(2)); // the kernel is spinning by now
            const std::int64_t host = render::host_monotonic_ns();
            *flag = 1;
            compute::synchronize(stream, "micro.oneway.calibration");
            offsets.push_back(host - std::int64_t(*stamp));
        }
        std::nth_element(offsets.begin(), offsets.begin() + 10, offsets.end());
        return offsets[10];
    };
    const std::int64_t offset_before = calibrate();

    const AfterStream to_vulkan(stream, interop::SharedTimeline::create(ctx, cuda, {0}, "micro.oneway.to-vulkan"));
    const AfterStream to_cuda(stream, interop::SharedTimeline::create(ctx, cuda, {0}, "micro.oneway.to-cuda"));
    auto pool = render::CommandPool::create(ctx, "micro.oneway");
    VkCommandBuffer cmds[2];
    for (std::uint32_t slot = 0; slot < 2; ++slot) {
        cmds[slot] = pool.allocate("micro.oneway");
        const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
        CUVK_VK(vkBeginCommandBuffer(cmds[slot], &begin), "micro.oneway");
        timestamps.record_begin(cmds[slot], slot);
        timestamps.record_end(cmds[slot], slot);
        CUVK_VK(vkEndCommandBuffer(cmds[slot]), "micro.oneway");
    }
    const auto fence = render::create_fence(ctx, "micro.oneway.fence");
    const auto wait_fence = [&] {
        const VkFence f = fence.get();
        if (render::wait_fence(ctx, f, kGpuTimeout, "micro.oneway.fence") == render::WaitOutcome::timeout)
            give_up(ctx, f, {&*to_vulkan, &*to_cuda}, "a one-way handoff");
        CUVK_VK(vkResetFences(ctx.device(), 1, &f), "micro.oneway.fence");
    };
    // Per iteration: Vulkan's time on the host clock and CUDA's global timer, CUDA -> Vulkan and Vulkan -> CUDA.
    struct Pair {
        std::uint32_t iteration;
        std::int64_t vulkan_ns;
        std::int64_t cuda_global;
    };
    std::vector<Pair> to_vulkan_raw, to_cuda_raw;
    const double cpu_start = thread_cpu_us();
    for (std::uint32_t i = 1; i <= o.iterations; ++i) {
        // CUDA -> Vulkan: the submission waits first, then CUDA stamps and signals.
        const render::SemaphoreSubmit wait = to_vulkan->vk_wait({i}, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
        render::submit(
            ctx,
            {.commands = {&cmds[0], 1}, .waits = {&wait, 1}, .fence = fence.get(), .name = "micro.oneway.to-vulkan"});
        std::this_thread::sleep_for(std::chrono::microseconds(200)); // Vulkan is waiting by now
        compute::launch_stamp(static_cast<std::uint64_t*>(stamp_memory.get()), stream);
        to_vulkan->cuda_signal(stream, {i});
        wait_fence();
        compute::synchronize(stream, "micro.oneway");
        if (const auto start = timestamps.begin_host_ns(0))
            to_vulkan_raw.push_back({i, *start, std::int64_t(*stamp)});

        // Vulkan -> CUDA: CUDA waits first, then the submission stamps and signals.
        to_cuda->cuda_wait(stream, {i});
        compute::launch_stamp(static_cast<std::uint64_t*>(stamp_memory.get()), stream);
        std::this_thread::sleep_for(std::chrono::microseconds(200)); // CUDA is waiting by now
        const render::SemaphoreSubmit signal = to_cuda->vk_signal({i}, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
        render::submit(
            ctx,
            {.commands = {&cmds[1], 1}, .signals = {&signal, 1}, .fence = fence.get(), .name = "micro.oneway.to-cuda"});
        wait_fence();
        compute::synchronize(stream, "micro.oneway");
        if (const auto end = timestamps.end_host_ns(1))
            to_cuda_raw.push_back({i, *end, std::int64_t(*stamp)});
    }
    const double cpu_each = (thread_cpu_us() - cpu_start) / 2; // per direction, over its iterations (summarize)
    const std::int64_t offset_after = calibrate();
    const auto on_host = [&](const Pair& p) {
        const double at = o.iterations > 1 ? double(p.iteration - 1) / double(o.iterations - 1) : 0.0;
        return p.cuda_global + offset_before + std::int64_t(at * double(offset_after - offset_before));
    };
    std::vector<double> to_vulkan_us, to_cuda_us;
    for (const auto& p : to_vulkan_raw)
        to_vulkan_us.push_back(double(p.vulkan_ns - on_host(p)) * 1e-3);
    for (const auto& p : to_cuda_raw)
        to_cuda_us.push_back(double(on_host(p) - p.vulkan_ns) * 1e-3);
    add(report, summarize("oneway", kToVulkan, std::move(to_vulkan_us), cpu_each));
    add(report, summarize("oneway", kToCuda, std::move(to_cuda_us), cpu_each));
}

} // namespace

MicroReport run_micro_benchmarks(const render::Context& ctx, const MicroOptions& options) {
    check_micro_options(options);
    const auto wants = [&](const char* group) {
        return options.groups.empty() ||
               std::find(options.groups.begin(), options.groups.end(), group) != options.groups.end();
    };
    MicroReport report;
    if (wants("pcie")) {
        try { // Vulkan alone: runs without a CUDA device too
            vulkan_upload(ctx, options, report);
        } catch (const core::Error& e) { // (host memory for the copies, say): the rest can still run
            if (e.is_interrupted())
                throw;
            report.results.push_back({.group = "pcie", .name = "Vulkan upload", .not_run = "failed: " + e.message()});
        }
    }
    const auto probe = interop::probe(ctx);
    if (!probe.cuda_ordinal || !probe.memory) {
        for (const auto& r : probe.reasons)
            report.not_run += (report.not_run.empty() ? "" : "; ") + r;
        return report;
    }
    const auto cuda = interop::select_cuda_device(ctx);
    const auto stream = compute::create_stream("micro.stream");
    const auto counter = device_buffer(sizeof(std::uint32_t), "micro.counter");
    auto* count = static_cast<std::uint32_t*>(counter.get());
    if (wants("bandwidth"))
        bandwidth(ctx, cuda, options, stream.get(), report);
    if (wants("pcie")) {
        pcie(options, stream.get(), report);
        try {
            upload_beside_d2h(ctx, options, stream.get(), report);
        } catch (const core::Error& e) { // (host memory for the copies, say): the rest can still run
            if (e.is_interrupted())
                throw;
            report.results.push_back(
                {.group = "pcie", .name = "pinned D2H + Vulkan upload at once", .not_run = "failed: " + e.message()});
        }
    }
    if (wants("switch"))
        context_switch(ctx, options, stream.get(), count, report);
    for (const char* group : {"handoff", "graph"}) {
        if (!wants(group))
            continue;
        if (!probe.timeline_semaphores)
            report.results.push_back(
                {.group = group, .name = group, .not_run = "the device cannot export timeline semaphores to CUDA"});
        else if (group == std::string("handoff"))
            handoff(ctx, cuda, options, stream.get(), count, report);
        else
            graph_vs_stream(ctx, cuda, options, stream.get(), count, report);
    }
    if (wants("wait"))
        wait_policies(ctx, cuda, probe.timeline_semaphores, options, stream.get(), count, report);
    if (probe.timeline_semaphores) {
        if (wants("resources"))
            resources(ctx, cuda, options, stream.get(), report);
        if (wants("oneway"))
            oneway(ctx, cuda, options, stream.get(), report);
    }
    compute::synchronize(stream.get(), "micro.stream");
    return report;
}

} // namespace cuvk::engine
