// The floor (micro_bench.hpp, run_floor): the interop frame loop's GPU work with nothing of the engine around it.
// CUDA builds only.

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/stream.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/engine/micro_bench.hpp"
#include "cuvk/engine/timings.hpp"
#include "cuvk/interop/cuda_device.hpp"
#include "cuvk/interop/handoff.hpp"
#include "cuvk/interop/probe.hpp"
#include "cuvk/interop/shared_image.hpp"
#include "cuvk/interop/shared_semaphore.hpp"
#include "cuvk/render/check.hpp"
#include "cuvk/render/commands.hpp"
#include "cuvk/render/compositor.hpp"
#include "producer.hpp"

#include <chrono>

namespace cuvk::engine {
namespace {

constexpr auto kTimeout = std::chrono::seconds(5);

// Everything the floor ring holds, in creation order (destroyed in reverse: CUDA's simulation before its stream,
// the compositor and command buffers before the images they name, imports before nothing of Vulkan outlives them).
struct FloorObjects {
    std::vector<interop::SharedImage> slots;
    std::vector<std::vector<compute::SurfaceView>> surfaces; // per slot, level 0
    std::optional<interop::SharedTimeline> produced, consumed;
    render::Image target;
    render::Compositor compositor;
    render::CommandPool pool;
    std::vector<VkCommandBuffer> commands; // per slot, recorded once
    std::vector<render::UniqueFence> fences;
    compute::UniqueStream stream;
    std::unique_ptr<compute::Simulation> simulation; // started on `stream`
};

class Floor {
public:
    Floor(const render::Context& ctx, std::unique_ptr<compute::Simulation> simulation, const FloorInfo& info,
          const compute::OutputSpec& out)
        : ctx_(ctx), info_(info), n_(info.frames_in_flight), spec_(out), o_(std::make_unique<FloorObjects>()) {
        const auto cuda = interop::select_cuda_device(ctx);
        const core::QueueFamily family = ctx.queue_family();
        auto& o = *o_;
        for (std::uint32_t s = 0; s < n_; ++s) {
            o.slots.push_back(interop::SharedImage::create(
                ctx, cuda, {.extent = out.extent, .format = vk_format(out.format), .name = "floor.slot"}));
            o.surfaces.push_back({o.slots.back().surface(0)});
        }
        o.produced = interop::SharedTimeline::create(ctx, cuda, {0}, "floor.produced");
        o.consumed = interop::SharedTimeline::create(ctx, cuda, {0}, "floor.consumed");
        o.target = render::Image::create(ctx, {.extent = info.extent,
                                               .format = VK_FORMAT_R8G8B8A8_UNORM,
                                               .usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                                               .name = "floor.target"});
        o.compositor = render::Compositor::create(ctx, {.max_bindings = n_, .name = "floor.compositor"});
        render::submit_and_wait(
            ctx,
            [&](VkCommandBuffer cmd) {
                for (const auto& slot : o.slots)
                    interop::prepare_for_external(cmd, slot.vk(), family);
            },
            "floor.prepare");
        o.pool = render::CommandPool::create(ctx, "floor.pool");
        const StageScope read = draw_read_scope(compute::OutputKind::image);
        for (std::uint32_t s = 0; s < n_; ++s) {
            const auto binding = o.compositor.bind(o.slots[s].image().view(), o.target.view());
            const VkCommandBuffer cmd = o.pool.allocate("floor.frame");
            const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
            CUVK_VK(vkBeginCommandBuffer(cmd, &begin), "floor.frame");
            interop::acquire_from_external(cmd, o.slots[s].vk(), family, read.stage, read.access);
            // The whole target is rewritten: its previous contents are discarded, as a FrameLoop's single pane does.
            render::record_barrier(cmd, {.image = o.target.get(),
                                         .src_stage = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                         .src_access = VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT,
                                         .dst_stage = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                         .dst_access = VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT,
                                         .old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
                                         .new_layout = VK_IMAGE_LAYOUT_GENERAL});
            o.compositor.record(cmd, binding, {.extent = info.extent});
            interop::release_to_external(cmd, o.slots[s].vk(), family, read.stage, read.access);
            CUVK_VK(vkEndCommandBuffer(cmd), "floor.frame");
            o.commands.push_back(cmd);
            o.fences.push_back(render::create_fence(ctx, "floor.fence"));
        }
        fence_of_slot_.assign(n_, std::nullopt);
        pending_.assign(n_, false);
        o.stream = compute::create_stream("floor.stream");
        try {
            simulation->start({.extent = out.extent, .params = info.params, .seed = 1}, o.stream.get());
        } catch (...) {
            (void)cudaStreamSynchronize(o.stream.get());
            simulation->stop();
            (void)cudaStreamSynchronize(o.stream.get());
            throw;
        }
        o.simulation = std::move(simulation);
    }

    // Bounded: if the GPU never finishes (a fault), everything is leaked rather than destroyed in use.
    ~Floor() {
        bool idle = true;
        for (std::uint32_t f = 0; f < n_; ++f)
            if (pending_[f])
                idle = idle && render::wait_fence(ctx_, o_->fences[f].get(), kTimeout, "floor.fence") ==
                                   render::WaitOutcome::reached;
        if (!idle || !compute::drain(o_->stream.get(), kTimeout)) {
            (void)o_.release();
            return;
        }
        o_->simulation->stop();
        (void)cudaStreamSynchronize(o_->stream.get());
    }
    Floor(const Floor&) = delete;
    Floor& operator=(const Floor&) = delete;

    double run() {
        auto& o = *o_;
        const std::uint64_t frames = info_.frames, batch = info_.batch;
        const std::uint64_t warmup = warmup_frames(frames, n_, info_.batch);
        auto start = std::chrono::steady_clock::now();
        std::uint64_t measured_from = 0;
        bool measuring = false;
        std::vector<VkCommandBuffer> cmds;
        for (std::uint64_t first = 0; first < frames; first += batch) {
            if (!measuring && first >= warmup) {
                measuring = true;
                measured_from = first;
                start = std::chrono::steady_clock::now();
            }
            const std::uint64_t last = std::min(first + batch, frames) - 1;
            cmds.clear();
            for (std::uint64_t k = first; k <= last; ++k) {
                produce(k, k == last);
                const auto s = std::uint32_t(k % n_);
                // The slot's command buffer was last submitted for frame k-N: it must have finished.
                if (const auto f = fence_of_slot_[s]; f && pending_[*f])
                    wait_and_reset(*f);
                cmds.push_back(o.commands[s]);
            }
            const auto f = std::uint32_t(last % n_);
            if (pending_[f]) // its submission drew frame last-N or earlier, which has retired
                wait_and_reset(f);
            const auto wait = o.produced->vk_wait({last + 1}, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT);
            const auto signal = o.consumed->vk_signal({last + 1}, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
            render::submit(ctx_, {.commands = cmds,
                                  .waits = {&wait, 1},
                                  .signals = {&signal, 1},
                                  .fence = o.fences[f].get(),
                                  .name = "floor.frame"});
            pending_[f] = true;
            for (std::uint64_t k = first; k <= last; ++k)
                fence_of_slot_[k % n_] = f;
        }
        for (std::uint32_t f = 0; f < n_; ++f)
            if (pending_[f])
                wait_and_reset(f);
        compute::synchronize(o.stream.get(), "floor.stream");
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return seconds > 0 ? double(frames - measured_from) / seconds : 0.0;
    }

private:
    // As cuvk's ring: a batch's submission signals consumed once, for its last frame, so CUDA waits once per such
    // value; and it waits for produced only at its last frame, which alone signals (`signal`).
    void produce(std::uint64_t k, bool signal) {
        auto& o = *o_;
        cudaStream_t stream = o.stream.get();
        if (k >= n_) {
            const std::uint64_t j = k - n_; // the slot's previous frame; its batch signals min(its end, frames)
            const std::uint64_t value = std::min((j / info_.batch + 1) * info_.batch, std::uint64_t(info_.frames));
            if (value > waited_) {
                o.consumed->cuda_wait(stream, {value});
                waited_ = value;
            }
        }
        const auto s = std::uint32_t(k % n_);
        const compute::OutputView view{.spec = spec_, .levels = o.surfaces[s], .texture = o.slots[s].texture()};
        compute::FrameContext frame{
            .stream = stream, .frame = {k}, .time = double(k) / 60.0, .params = info_.params, .outputs = {&view, 1}};
        o.simulation->step(frame);
        if (signal)
            o.produced->cuda_signal(stream, {k + 1});
    }

    void wait_and_reset(std::uint32_t f) {
        const VkFence fence = o_->fences[f].get();
        if (render::wait_fence(ctx_, fence, kTimeout, "floor.fence") == render::WaitOutcome::timeout)
            core::fail("a frame of the floor ring did not finish within 5 s", "floor");
        CUVK_VK(vkResetFences(ctx_.device(), 1, &fence), "floor.fence");
        pending_[f] = false;
    }

    const render::Context& ctx_;
    FloorInfo info_;
    std::uint32_t n_;
    compute::OutputSpec spec_;
    std::unique_ptr<FloorObjects> o_;
    std::vector<std::optional<std::uint32_t>> fence_of_slot_;
    std::vector<bool> pending_;
    std::uint64_t waited_ = 0; // the highest consumed value the stream has waited for
};

} // namespace

FloorResult run_floor(const render::Context& ctx, std::unique_ptr<compute::Simulation> simulation,
                      const FloorInfo& info) {
    check_floor_info(info);
    const auto probe = interop::probe(ctx);
    if (!probe.available()) {
        FloorResult r;
        for (const auto& why : probe.reasons)
            r.not_run += (r.not_run.empty() ? "" : "; ") + why;
        return r;
    }
    const auto outputs = simulation->outputs({.extent = info.extent, .params = info.params, .seed = 1});
    if (outputs.size() != 1 || outputs[0].kind != compute::OutputKind::image || outputs[0].mip_levels != 1 ||
        outputs[0].format == compute::PixelFormat::r32f)
        return {.not_run = "the floor draws one colour image output of one level; " + simulation->desc().name +
                           " has another kind of output"};
    Floor floor(ctx, std::move(simulation), info, outputs[0]);
    return {.fps = floor.run()};
}

} // namespace cuvk::engine
