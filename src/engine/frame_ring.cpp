#include "cuvk/engine/frame_ring.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/render/check.hpp"
#include "producer.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace cuvk::engine {
namespace {

constexpr auto kTeardownTimeout = std::chrono::seconds(5);
constexpr auto kFaultPoll = std::chrono::milliseconds(20); // how often a long wait looks for a CUDA fault

// The ring's timeline arithmetic, all of it. Frame k signals produced = k+1 and consumed = k+1; it may overwrite
// its slot once frame k-N (the slot's previous frame) is consumed, i.e. consumed >= k+1-N.
core::TimelineValue produced_by(core::FrameIndex k) {
    return {k.value + 1};
}
core::TimelineValue consumed_by(core::FrameIndex k) {
    return {k.value + 1};
}
bool slot_in_use(core::FrameIndex k, std::uint32_t n) {
    return k.value >= n;
}
core::FrameIndex previous_in_slot(core::FrameIndex k, std::uint32_t n) {
    return {k.value - n};
}

void check_info(const render::Context& ctx, const compute::SimulationDesc& desc, const RingInfo& info) {
    if (info.backend == Backend::automatic)
        core::fail("FrameRing: resolve the automatic backend first", desc.name);
    if (info.backend == Backend::gl)
        core::fail_usage("the gl backend (CUDA-OpenGL) is cuvk-bench's baseline: it draws with OpenGL, not through a "
                         "frame ring; use interop, staging or cpu");
    if (info.frames_in_flight < 1 || info.frames_in_flight > 8)
        core::fail_usage("--frames-in-flight " + std::to_string(info.frames_in_flight) + " is outside 1..8");
    if (info.extent.empty())
        core::fail_usage("the size " + core::to_string(info.extent) + " has a zero side");
    render::check_image_extent(ctx, info.extent, "target");
    if (!info.params.empty() && info.params.size() != desc.params.size())
        core::fail("FrameRing: the parameter count does not match the simulation", desc.name);
    const bool cpu = info.backend == Backend::cpu;
    if (cpu && !desc.has_cpu)
        core::fail_usage(desc.name + " has no CPU implementation: use a CUDA backend (interop or staging)");
    if (!cpu && !desc.has_cuda)
        core::fail_usage(desc.name + " has no CUDA implementation: use the cpu backend");
    if (!(info.time_step > 0.0))
        core::fail_usage("the time step must be positive");
}

void check_params(const compute::SimulationDesc& desc, std::span<const float> params) {
    if (params.size() != desc.params.size())
        core::fail("the parameter count does not match the simulation", desc.name);
    for (std::size_t i = 0; i < params.size(); ++i) {
        const auto& p = desc.params[i];
        if (!(params[i] >= p.min && params[i] <= p.max))
            core::fail_usage(desc.name + "." + p.name + " = " + std::to_string(params[i]) + " is outside " +
                             std::to_string(p.min) + ".." + std::to_string(p.max));
        if (p.integer && params[i] != std::floor(params[i]))
            core::fail_usage(desc.name + "." + p.name + " = " + std::to_string(params[i]) + " is not an integer");
    }
}

void check_output(const render::Context& ctx, const compute::OutputSpec& out, const std::string& name) {
    if (out.kind == compute::OutputKind::image && out.linear) {
        // Read by the compositor from a uniform texel buffer (render::Compositor::bind_buffer checks the rest).
        if (out.mip_levels != 1)
            core::fail_usage(name + ": a linear image output has one level, not " + std::to_string(out.mip_levels));
        if (out.extent.empty())
            core::fail_usage(name + ": a linear image output needs a width and a height");
        VkFormatProperties props{};
        vkGetPhysicalDeviceFormatProperties(ctx.physical_device(), vk_format(out.format), &props);
        if (!(props.bufferFeatures & VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT))
            core::fail_usage(name + ": the device cannot read " + compute::to_string(out.format) +
                             " from a texel buffer, which drawing a linear image output needs");
        if (out.extent.pixels() > ctx.properties().limits.maxTexelBufferElements)
            core::fail_usage(name + ": a linear image output of " + core::to_string(out.extent) +
                             " is more texels than the device reads from a texel buffer (" +
                             std::to_string(ctx.properties().limits.maxTexelBufferElements) + ")");
    } else if (out.kind == compute::OutputKind::image) {
        render::check_image_extent(ctx, out.extent, name + " output");
        // The compositor samples every output with a linear filter, and the slots are copied into (cpu, staging).
        VkFormatProperties props{};
        vkGetPhysicalDeviceFormatProperties(ctx.physical_device(), vk_format(out.format), &props);
        const VkFormatFeatureFlags needed = VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT |
                                            VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT |
                                            VK_FORMAT_FEATURE_TRANSFER_DST_BIT;
        if ((props.optimalTilingFeatures & needed) != needed)
            core::fail_usage(name + ": the device cannot sample " + compute::to_string(out.format) +
                             " images with a linear filter, which drawing this output needs");
        if (out.mip_levels == 0 ||
            out.mip_levels > std::uint32_t(std::bit_width(std::max(out.extent.width, out.extent.height))))
            core::fail("the simulation declares an impossible mip level count", name);
    } else if (out.vertex_count == 0) {
        core::fail("the simulation declares no vertices", name);
    } else if (out.kind == compute::OutputKind::mesh && out.grid.pixels() != out.vertex_count) {
        core::fail("a mesh output's vertex count must be grid.width * grid.height", name);
    }
}

std::vector<float> params_or_defaults(const compute::SimulationDesc& desc, const std::vector<float>& params) {
    if (!params.empty())
        return params;
    std::vector<float> out;
    for (const auto& p : desc.params)
        out.push_back(p.value);
    return out;
}

} // namespace

std::vector<compute::OutputSpec> FrameRing::validate(const render::Context& ctx, const compute::Simulation& simulation,
                                                     const RingInfo& info) {
    const auto& desc = simulation.desc();
    const std::string name = info.name.empty() ? desc.name : info.name;
    check_info(ctx, desc, info);
    const auto params = params_or_defaults(desc, info.params);
    check_params(desc, params);
    const auto outputs = simulation.outputs({.extent = info.extent, .params = params, .seed = info.seed});
    if (outputs.empty() || outputs.size() > 8)
        core::fail("a simulation declares 1 to 8 outputs, not " + std::to_string(outputs.size()), name);
    if (info.display_output >= outputs.size())
        core::fail_usage(name + " has " + std::to_string(outputs.size()) + " output(s): there is no output " +
                         std::to_string(info.display_output) + " to display");
    for (std::size_t o = 0; o < outputs.size(); ++o)
        check_output(ctx, outputs[o], outputs.size() == 1 ? name : name + ".output" + std::to_string(o));
    return outputs;
}

StageScope draw_read_scope(compute::OutputKind kind) {
    if (kind == compute::OutputKind::image)
        return {VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_SAMPLED_READ_BIT};
    if (kind == compute::OutputKind::points) // the raster pass reads vertices, the compute splat storage
        return {VK_PIPELINE_STAGE_2_VERTEX_ATTRIBUTE_INPUT_BIT | VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                VK_ACCESS_2_VERTEX_ATTRIBUTE_READ_BIT | VK_ACCESS_2_SHADER_STORAGE_READ_BIT};
    return {VK_PIPELINE_STAGE_2_VERTEX_ATTRIBUTE_INPUT_BIT, VK_ACCESS_2_VERTEX_ATTRIBUTE_READ_BIT};
}

FrameRing::FrameRing(const render::Context& ctx, std::unique_ptr<compute::Simulation> simulation, const RingInfo& info)
    : ctx_(ctx), info_(info), simulation_(std::move(simulation)) {
    if (!simulation_)
        core::fail("FrameRing: no simulation");
    if (info_.name.empty())
        info_.name = simulation_->desc().name;
    outputs_ = validate(ctx, *simulation_, info_);
    params_ = params_or_defaults(simulation_->desc(), info_.params);
    const compute::SimulationInfo start{.extent = info_.extent, .params = params_, .seed = info_.seed};

    const ProducerInfo producer{.simulation = simulation_.get(),
                                .start = start,
                                .outputs = outputs_,
                                .slots = size(),
                                .sync = info_.sync,
                                .cuda_device = info_.cuda_device,
                                .split = info_.backend == Backend::split,
                                .sim_device = info_.sim_device,
                                .skip_copy_wait = info_.fault == RingFault::skip_copy_wait,
                                .name = info_.name};
    switch (info_.backend) {
    case Backend::interop:
    case Backend::split:
        producer_ = make_interop_producer(ctx, producer);
        break;
    case Backend::staging:
        producer_ = make_staging_producer(ctx, producer);
        break;
    default:
        producer_ = make_cpu_producer(ctx, producer);
        break;
    }
    fence_name_ = info_.name + ".fence";
    frame_name_ = info_.name + ".frame";
    pool_ = render::CommandPool::create(ctx, info_.name + ".frames");
    for (std::uint32_t s = 0; s < size(); ++s) {
        commands_.push_back(pool_.allocate(info_.name + ".frame" + std::to_string(s)));
        fences_.push_back(render::create_fence(ctx, info_.name + ".fence" + std::to_string(s)));
    }
    fence_of_slot_.assign(size(), std::nullopt);
    consumed_of_slot_.assign(size(), core::TimelineValue{});
    fence_pending_.assign(size(), false);
    watch_cuda_ = !producer_->writes_host_memory() && producer_->cuda_ordinal() >= 0;
}

FrameRing::~FrameRing() {
    // Submitted work must finish before the slots, command buffers and fences go. If it does not within the bound
    // (a CUDA fault leaves `produced` unsignalled, say), leak everything rather than destroy what is in use: the
    // caller should then treat the device as lost.
    std::vector<VkFence> pending;
    for (std::uint32_t f = 0; f < size(); ++f)
        if (fence_pending_[f])
            pending.push_back(fences_[f].get());
    const bool vulkan_idle =
        pending.empty() ||
        vkWaitForFences(ctx_.device(), std::uint32_t(pending.size()), pending.data(), VK_TRUE,
                        std::uint64_t(std::chrono::nanoseconds(kTeardownTimeout).count())) == VK_SUCCESS;
    // CUDA may have work that no submitted frame waits for (frames produced but never submitted).
    const bool idle = vulkan_idle && (!producer_ || producer_->drain(kTeardownTimeout));
    if (!idle) {
        (void)producer_.release();
        (void)simulation_.release();
        (void)pool_.release();
        for (auto& f : fences_)
            (void)f.release();
    }
}

std::string FrameRing::backend_note() const {
    return producer_->describe();
}

const SlotOutput& FrameRing::slot(std::uint32_t s, std::size_t output) const {
    return producer_->slot(s, output);
}

void FrameRing::produce(core::FrameIndex k) {
    begin_produce(k);
    end_produce(k);
}

Handoff FrameRing::handoff(core::FrameIndex k) const {
    const std::uint32_t n = size();
    const bool in_use = slot_in_use(k, n);
    const bool skip_wait = info_.fault == RingFault::skip_consumed_wait;
    return {.frame = k,
            .slot = slot_of(k),
            .slot_in_use = in_use && !skip_wait,
            // Frame k-N's own value, raised to what its submission signals (the same value for a whole batch).
            .wait_consumed = in_use ? std::max(consumed_by(previous_in_slot(k, n)), consumed_of_slot_[slot_of(k)])
                                    : core::TimelineValue{},
            .signal_produced = produced_by(k),
            .timed = timed(k),
            .time = double(steps_taken_) * info_.time_step,
            .steps = steps_,
            .params = params_};
}

void FrameRing::begin_produce(core::FrameIndex k) {
    if (!cuda_fault_.empty())
        throw core::Error({.api = core::Api::cuda,
                           .result = cuda_fault_,
                           .what = "a kernel faulted: CUDA's context is lost until it is reset "
                                   "(engine::recover_from_cuda_fault)",
                           .object = info_.name});
    const std::uint32_t n = size();
    const bool in_use = slot_in_use(k, n);
    CUVK_ASSERT(k == next_frame_ && !producing_, "frames are produced in order, once each");
    CUVK_ASSERT(!in_use || previous_in_slot(k, n) < next_to_submit(),
                "a frame is produced at most N frames after the last submitted one");
    if (in_use && producer_->writes_host_memory() &&
        wait(previous_in_slot(k, n), kTeardownTimeout * 4) == render::WaitOutcome::timeout)
        core::fail("frame " + std::to_string(k.value - n) + " did not finish on the GPU within 20 s", info_.name);
    producer_->begin_produce(handoff(k));
    producing_ = k;
}

void FrameRing::end_produce(core::FrameIndex k) {
    CUVK_ASSERT(producing_ == k, "end_produce(k) follows begin_produce(k)");
    producer_->end_produce(handoff(k));
    producing_.reset();
    steps_taken_ += steps_;
    next_frame_ = k.next();
}

VkCommandBuffer FrameRing::begin_commands(core::FrameIndex k) {
    const std::uint32_t n = size();
    if (slot_in_use(k, n) && wait(previous_in_slot(k, n), kTeardownTimeout * 4) == render::WaitOutcome::timeout)
        core::fail("frame " + std::to_string(k.value - n) + " did not finish on the GPU within 20 s", info_.name);
    const VkCommandBuffer cmd = commands_[slot_of(k)];
    CUVK_VK(vkResetCommandBuffer(cmd, 0), info_.name);
    const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                         .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
    CUVK_VK(vkBeginCommandBuffer(cmd, &begin), info_.name);
    return cmd;
}

void FrameRing::record_acquire(VkCommandBuffer cmd, core::FrameIndex k) const {
    producer_->record_acquire(cmd, slot_of(k));
}

void FrameRing::record_release(VkCommandBuffer cmd, core::FrameIndex k) const {
    producer_->record_release(cmd, slot_of(k));
}

void FrameRing::submit(core::FrameIndex first, core::FrameIndex last,
                       std::span<const render::SemaphoreSubmit> extra_waits,
                       std::span<const render::SemaphoreSubmit> extra_signals) {
    CUVK_ASSERT(first <= last && last.value - first.value < size(), "a submission holds at most N frames");
    CUVK_ASSERT(first == next_to_submit() && last < next_frame_, "frames are submitted in order, once each, produced");
    std::vector<VkCommandBuffer> cmds;
    std::vector<std::uint32_t> slots;
    for (core::FrameIndex k = first; k <= last; k = k.next()) {
        slots.push_back(slot_of(k));
        cmds.push_back(commands_[slot_of(k)]);
    }
    // The fence of the last frame's slot. Every frame that waited on its previous submission has retired: that
    // submission drew the slot's previous frame, which begin_commands() waited for.
    const std::uint32_t f = slot_of(last);
    const VkFence fence = fences_[f].get();
    if (fence_pending_[f]) {
        // Its submission drew a frame of this slot no later than frame last-N, which has retired (signalled already).
        if (render::wait_fence(ctx_, fence, kTeardownTimeout, fence_name_, info_.host_wait) ==
            render::WaitOutcome::timeout)
            core::fail("an earlier submission did not finish on the GPU", info_.name);
        CUVK_VK(vkResetFences(ctx_.device(), 1, &fence), fence_name_);
        fence_pending_[f] = false;
    }
    // What the producer submits or enqueues for these frames (staging's copies, interop's produced signal), last
    // before the submission that depends on it.
    producer_->prepare_submit(slots);
    std::vector<render::SemaphoreSubmit> waits(extra_waits.begin(), extra_waits.end());
    std::vector<render::SemaphoreSubmit> signals(extra_signals.begin(), extra_signals.end());
    producer_->add_waits(slots, produced_by(last), waits);
    producer_->add_signals(slots, consumed_by(last), signals);
    render::submit(ctx_, {.commands = cmds, .waits = waits, .signals = signals, .fence = fence, .name = frame_name_});
    fence_pending_[f] = true;
    for (const std::uint32_t s : slots) {
        fence_of_slot_[s] = f;
        consumed_of_slot_[s] = consumed_by(last);
    }
    last_submitted_ = last;
}

core::FrameIndex FrameRing::next_to_submit() const noexcept {
    return std::max(last_submitted_ ? last_submitted_->next() : core::FrameIndex{}, dropped_to_);
}

bool FrameRing::produces_ahead() const {
    return producer_->produces_ahead();
}

render::WaitOutcome FrameRing::wait(core::FrameIndex k, std::chrono::nanoseconds timeout) {
    if (!last_submitted_)
        return render::WaitOutcome::reached;
    if (k > *last_submitted_) // not submitted: the most that can be waited for is everything submitted
        k = *last_submitted_;
    const auto f = fence_of_slot_[slot_of(k)];
    if (!f || !fence_pending_[*f])
        return render::WaitOutcome::reached;
    if (watch_cuda_)
        return wait_watching_cuda(fences_[*f].get(), timeout);
    return render::wait_fence(ctx_, fences_[*f].get(), timeout, fence_name_, info_.host_wait);
}

render::WaitOutcome FrameRing::wait_watching_cuda(VkFence fence, std::chrono::nanoseconds timeout) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const auto left = std::max(std::chrono::nanoseconds(0), deadline - Clock::now());
        const auto slice = std::min<std::chrono::nanoseconds>(left, kFaultPoll);
        if (render::wait_fence(ctx_, fence, slice, fence_name_, info_.host_wait) == render::WaitOutcome::reached)
            return render::WaitOutcome::reached;
        if (cuda_fault_.empty()) {
            cuda_fault_ = producer_->cuda_fault();
            if (!cuda_fault_.empty()) {
                const std::string refusal = producer_->recovery_refusal();
                if (!refusal.empty())
                    throw core::Error({.api = core::Api::cuda,
                                       .result = cuda_fault_,
                                       .what = "a kernel faulted while Vulkan waited for its frames, and the ring "
                                               "cannot be recovered: " +
                                               refusal,
                                       .object = info_.name});
                // What CUDA will never signal is signalled from the host, so that this wait (and every later one)
                // ends; the frames show what their slots held.
                abandon_produced();
                continue;
            }
        }
        if (left.count() == 0)
            return render::WaitOutcome::timeout;
    }
}

std::string FrameRing::cuda_fault() const {
    return cuda_fault_.empty() ? producer_->cuda_fault() : cuda_fault_;
}

std::string FrameRing::cuda_recovery_refusal() const {
    return producer_->recovery_refusal();
}

int FrameRing::cuda_ordinal() const {
    return producer_->cuda_ordinal();
}

void FrameRing::abandon_produced() {
    // Every frame begun so far, the one being produced included.
    const std::uint64_t begun = producing_ ? producing_->value + 1 : next_frame_.value;
    if (begun > 0)
        producer_->abandon(produced_by(core::FrameIndex{begun - 1}));
}

void FrameRing::abandon_cuda_frames() {
    if (producing_) { // its outputs were handed over, or half written: either way it counts as produced
        steps_taken_ += steps_;
        next_frame_ = producing_->next();
        producing_.reset();
    }
    if (cuda_fault_.empty())
        cuda_fault_ = producer_->cuda_fault();
    abandon_produced();
    if (last_submitted_ && wait(*last_submitted_, kTeardownTimeout) == render::WaitOutcome::timeout)
        core::fail("the ring's frames did not finish on the GPU after its CUDA work was given up", info_.name);
}

void FrameRing::release_cuda(const std::string& error) noexcept {
    producer_->release_cuda(error);
}

void FrameRing::import_cuda() {
    producer_->import_cuda({.extent = info_.extent, .params = params_, .seed = info_.seed});
    cuda_fault_.clear();
}

std::optional<double> FrameRing::simulation_ms(core::FrameIndex k) {
    return timed(k) ? producer_->simulation_ms(k) : std::nullopt;
}

bool timed_frame(core::FrameIndex k, std::uint32_t every) noexcept {
    return every != 0 && k.value % every == (k.value / every) % every;
}

void FrameRing::set_params(std::span<const float> params) {
    check_params(simulation_->desc(), params);
    if (params.data() != params_.data()) // same size: no reallocation, spans over params_ stay valid
        std::copy(params.begin(), params.end(), params_.begin());
    producer_->params_changed(params_);
}

void FrameRing::set_steps(std::uint32_t steps) {
    if (steps > kMaxStepsPerFrame)
        core::fail_usage(info_.name + ": steps per frame must be 0 to " + std::to_string(kMaxStepsPerFrame) + ", not " +
                         std::to_string(steps));
    steps_ = steps;
}

void FrameRing::resize(core::Extent2D extent) {
    RingInfo next = info_;
    next.extent = extent;
    next.params = params_;
    auto outputs = validate(ctx_, *simulation_, next);
    // Semaphores would wait forever for a dropped frame's consumed value; host-paced backends have none.
    CUVK_ASSERT(next_to_submit() == next_frame_ || producer_->writes_host_memory(),
                "resize a ring with semaphores only once every frame it produced has been submitted");
    finish();
    dropped_to_ = next_frame_; // a frame produced and not submitted lived in a slot that is about to go
    info_.extent = extent;
    outputs_ = std::move(outputs);
    producer_->resize(outputs_, {.extent = info_.extent, .params = params_, .seed = info_.seed});
}

void FrameRing::pointer(const compute::PointerEvent& event) {
    producer_->pointer(event);
}

void FrameRing::finish() {
    if (last_submitted_ && wait(*last_submitted_, kTeardownTimeout * 4) == render::WaitOutcome::timeout)
        core::fail("the ring's last frame did not finish on the GPU within 20 s", info_.name);
    producer_->finish();
}

} // namespace cuvk::engine
