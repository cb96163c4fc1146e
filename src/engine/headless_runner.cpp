#include "engine/headless_runner.hpp"

#include "core/error.hpp"
#include "engine/drawer.hpp"
#include "engine/producer.hpp"
#include "render/check.hpp"
#include "render/commands.hpp"
#include "render/timestamps.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstring>
#include <exception>
#include <optional>

namespace cuvk::engine {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kRetireTimeout = std::chrono::seconds(20);

void validate(const RunInfo& info) {
    if (!info.sample)
        core::fail("run_headless: no sample");
    if (info.params.size() != info.sample->params.size())
        core::fail("run_headless: the parameter count does not match the sample", std::string(info.sample->name));
    if (info.backend == Backend::automatic)
        core::fail("run_headless: resolve the automatic backend first");
    if (info.frames == 0)
        core::fail_usage("--frames must be at least 1");
    if (info.frames_in_flight < 1 || info.frames_in_flight > 8)
        core::fail_usage("--frames-in-flight " + std::to_string(info.frames_in_flight) + " is outside 1..8");
    if (info.batch < 1 || info.batch > info.frames_in_flight)
        core::fail_usage("--batch " + std::to_string(info.batch) + " must be between 1 and --frames-in-flight (" +
                         std::to_string(info.frames_in_flight) + "): a batch holds one ring slot per frame");
}

} // namespace

compute::OutputSpec checked_output(const render::Context& ctx, const RunInfo& info) {
    validate(info);
    render::check_image_extent(ctx, info.extent, "target");
    const compute::SimulationInfo sim{.extent = info.extent, .params = info.params, .seed = info.seed};
    const auto output = info.sample->output(sim);
    const std::string name(info.sample->name);
    if (output.kind == compute::OutputKind::image) {
        render::check_image_extent(ctx, output.extent, name + " output");
        if (output.mip_levels == 0 || output.mip_levels > std::uint32_t(std::bit_width(
                                                               std::max(output.extent.width, output.extent.height))))
            core::fail("the sample declares an impossible mip level count", name);
    } else if (output.vertex_count == 0) {
        core::fail("the sample declares no vertices", name);
    }
    return output;
}

RunResult run_headless(const render::Context& ctx, const RunInfo& info) {
    const auto output = checked_output(ctx, info);
    const std::string name(info.sample->name);
    const std::uint32_t n = info.frames_in_flight;
    const bool capture_all = info.capture_every > 0;

    // Everything the GPU touches during the run, on the heap so that a run whose GPU work never finishes can leak
    // it instead of destroying what is still in use (see Drain below). Members in creation order.
    struct Resources {
        render::Image target;
        std::unique_ptr<Producer> producer;
        std::optional<Drawer> drawer;
        render::CommandPool pool;
        std::vector<render::UniqueFence> fences;
        render::Timestamps timestamps;
        std::vector<render::Buffer> readbacks;
    };
    auto resources = std::make_unique<Resources>();
    auto& target = resources->target;
    target = render::Image::create(ctx, {.extent = info.extent,
                                                    .format = VK_FORMAT_R8G8B8A8_UNORM,
                                                    .usage = VK_IMAGE_USAGE_STORAGE_BIT |
                                                             VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
                                                             VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                                                    .name = name + ".target"});
    const auto read = read_scope(output.kind);
    const ProducerInfo producer_info{
        .sample = info.sample,
        .simulation = {.extent = info.extent, .params = info.params, .seed = info.seed},
        .output = output,
        .slots = n,
        .sync = info.sync,
        .cuda_device = info.cuda_device,
        .split = info.backend == Backend::split,
        .sim_device = info.sim_device,
        .read_stage = read.stage,
        .read_access = read.access,
    };
    auto& producer = resources->producer;
    switch (info.backend) {
    case Backend::interop:
    case Backend::split: producer = make_interop_producer(ctx, producer_info); break;
    case Backend::staging: producer = make_staging_producer(ctx, producer_info); break;
    default: producer = make_cpu_producer(ctx, producer_info); break;
    }
    std::vector<SlotOutput> slots;
    for (std::uint32_t s = 0; s < n; ++s)
        slots.push_back(producer->slot(s));
    const auto& drawer = resources->drawer.emplace(Drawer::create(ctx, output, target, slots, name));

    auto& pool = resources->pool;
    pool = render::CommandPool::create(ctx, name + ".frames");
    std::vector<VkCommandBuffer> cmds;
    for (std::uint32_t s = 0; s < n; ++s)
        cmds.push_back(pool.allocate(name + ".frame" + std::to_string(s)));
    // Host pacing: each submission signals the fence of its last frame's slot; a slot is free again once the fence
    // of the submission that drew its previous frame has signalled (a Vulkan fence the host signalled itself).
    auto& fences = resources->fences;
    for (std::uint32_t s = 0; s < n; ++s)
        fences.push_back(render::create_fence(ctx, name + ".fence" + std::to_string(s)));
    std::vector<std::uint32_t> fence_of_slot(n, 0);
    auto& timestamps = resources->timestamps;
    timestamps = render::Timestamps::create(ctx, n, name + ".timestamps");
    auto& readbacks = resources->readbacks;
    for (std::uint32_t s = 0; s < (capture_all ? n : 1u); ++s)
        readbacks.push_back(render::Buffer::create(ctx, {.size = info.extent.pixels() * 4,
                                                         .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                                         .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                                   VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                                                         .name = name + ".readback" + std::to_string(s)}));

    const std::uint64_t frames = info.frames;
    auto captured = [&](std::uint64_t k) {
        return k + 1 == frames || (capture_all && k % info.capture_every == 0);
    };
    auto readback_of = [&](std::uint32_t s) -> const render::Buffer& { return readbacks[capture_all ? s : 0]; };

    RunResult result;
    result.backend = info.backend;
    result.backend_note = producer->describe();
    std::vector<double> sim_ms, draw_ms, host_ms;
    std::uint64_t next_to_retire = 0;

    auto wait_frame = [&](std::uint64_t k) {
        const VkFence fence = fences[fence_of_slot[k % n]].get();
        if (render::wait_fence(ctx, fence, kRetireTimeout, name + ".fence") == render::WaitOutcome::timeout)
            core::fail("frame " + std::to_string(k) + " did not finish on the GPU within 20 s", name);
    };
    auto retire_through = [&](std::uint64_t last) {
        for (; next_to_retire <= last; ++next_to_retire) {
            const std::uint64_t k = next_to_retire;
            const auto s = std::uint32_t(k % n);
            if (auto ms = producer->simulation_ms(s))
                sim_ms.push_back(*ms);
            if (auto ms = timestamps.read_ms(s))
                draw_ms.push_back(*ms);
            if (!captured(k))
                continue;
            render::Pixels pixels{.extent = info.extent, .bytes_per_pixel = 4};
            const auto mapped = readback_of(s).mapped();
            pixels.bytes.assign(reinterpret_cast<const std::uint8_t*>(mapped.data()),
                                reinterpret_cast<const std::uint8_t*>(mapped.data()) + mapped.size());
            if (info.on_capture)
                info.on_capture(k, pixels);
            if (k + 1 == frames)
                result.last_frame = std::move(pixels);
        }
    };
    auto record = [&](std::uint64_t k) {
        const auto s = std::uint32_t(k % n);
        const VkCommandBuffer cmd = cmds[s];
        CUVK_VK(vkResetCommandBuffer(cmd, 0), name);
        const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                             .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
        CUVK_VK(vkBeginCommandBuffer(cmd, &begin), name);
        timestamps.record_begin(cmd, s);
        producer->record_before_draw(cmd, s);
        drawer.record(cmd, s, k);
        producer->record_after_draw(cmd, s);
        timestamps.record_end(cmd, s);
        if (captured(k)) {
            const auto write = drawer.write_scope();
            render::record_barrier(cmd, {.image = target.get(),
                                         .src_stage = write.stage,
                                         .src_access = write.access,
                                         .dst_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                         .dst_access = VK_ACCESS_2_TRANSFER_READ_BIT,
                                         .old_layout = drawer.final_layout(),
                                         .new_layout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL});
            render::record_image_to_buffer(cmd, target, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, readback_of(s).get());
            render::record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                          VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
        }
        CUVK_VK(vkEndCommandBuffer(cmd), name);
        return cmd;
    };

    const std::uint64_t warmup = std::min<std::uint64_t>(frames / 4, 2ull * n);
    Clock::time_point steady_start = Clock::now();
    std::uint64_t batch_first = 0;
    std::vector<VkFence> submitted_fences; // fences of submissions not yet waited for
    // On a failure mid-run, let submitted work finish before the slots, command buffers and target are destroyed.
    // Bounded: if it does not finish (a CUDA fault leaves `produced` unsignalled, say), every resource is leaked
    // rather than destroyed in use, and the caller should treat the device as lost.
    struct Drain {
        const render::Context& ctx;
        const std::vector<VkFence>& fences;
        std::unique_ptr<Resources>& resources;
        ~Drain() {
            if (std::uncaught_exceptions() == 0 || fences.empty())
                return;
            if (vkWaitForFences(ctx.device(), std::uint32_t(fences.size()), fences.data(), VK_TRUE,
                                5'000'000'000ull) != VK_SUCCESS)
                (void)resources.release();
        }
    } drain{ctx, submitted_fences, resources};
    for (std::uint64_t k = 0; k < frames; ++k) {
        const auto iteration_start = Clock::now();
        if (k == warmup)
            steady_start = iteration_start;
        if (k >= n) { // slot k mod N, its command buffer and readback are free once frame k-N has retired
            wait_frame(k - n);
            retire_through(k - n);
        }
        producer->produce(k, std::uint32_t(k % n));
        if (k + 1 - batch_first == info.batch || k + 1 == frames) {
            std::vector<VkCommandBuffer> batch_cmds;
            for (std::uint64_t j = batch_first; j <= k; ++j)
                batch_cmds.push_back(record(j));
            auto waits = producer->before_submit(batch_first, k);
            const auto signals = producer->signals(batch_first, k);
            const auto f = std::uint32_t(k % n);
            const VkFence fence = fences[f].get();
            // Every frame that waited on this fence's previous submission has retired (it held slot f, N back).
            CUVK_VK(vkResetFences(ctx.device(), 1, &fence), name + ".fence");
            std::erase(submitted_fences, fence);
            render::submit(ctx, {.commands = batch_cmds,
                                 .waits = waits,
                                 .signals = signals,
                                 .fence = fence,
                                 .name = name + ".frame"});
            submitted_fences.push_back(fence);
            for (std::uint64_t j = batch_first; j <= k; ++j)
                fence_of_slot[j % n] = f;
            batch_first = k + 1;
        }
        if (k >= warmup)
            host_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - iteration_start).count());
    }
    wait_frame(frames - 1);
    retire_through(frames - 1);
    producer->finish();
    const double seconds = std::chrono::duration<double>(Clock::now() - steady_start).count();
    result.fps = seconds > 0.0 ? double(frames - warmup) / seconds : 0.0;
    result.simulation = summarize(std::move(sim_ms));
    result.draw = summarize(std::move(draw_ms));
    result.host_frame = summarize(std::move(host_ms));
    return result;
}

} // namespace cuvk::engine
