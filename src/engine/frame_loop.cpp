#include "cuvk/engine/frame_loop.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/render/check.hpp"
#include "cuvk/render/timestamps.hpp"
#include "drawer.hpp"

#include <algorithm>

namespace cuvk::engine {
namespace {

constexpr auto kRetireTimeout = std::chrono::seconds(20);

} // namespace

bool drawn_by_raster(compute::OutputKind kind, PointsPath points) {
    return kind == compute::OutputKind::mesh || (kind == compute::OutputKind::points && points == PointsPath::raster);
}

// One to three rings: side by side, in columns; four: a 2x2 grid (row-major). Panes cover the target.
VkRect2D FrameLoop::pane_rect(core::Extent2D target, std::size_t count, std::size_t i) {
    const std::uint32_t cols = count == 4 ? 2 : std::uint32_t(count), rows = count == 4 ? 2 : 1;
    const std::uint32_t col = std::uint32_t(i % cols), row = std::uint32_t(i / cols);
    const std::uint32_t x0 = target.width * col / cols, x1 = target.width * (col + 1) / cols;
    const std::uint32_t y0 = target.height * row / rows, y1 = target.height * (row + 1) / rows;
    return {{std::int32_t(x0), std::int32_t(y0)}, {x1 - x0, y1 - y0}};
}

struct FrameLoop::Pane {
    Drawer drawer;
    render::Timestamps timestamps;
    std::optional<PaneView> view;
};

FrameLoop::FrameLoop(const render::Context& ctx, Target& target, std::span<FrameRing* const> rings,
                     const FrameLoopInfo& info)
    : ctx_(ctx), target_(target), info_(info), rings_(rings.begin(), rings.end()) {
    if (rings_.empty() || rings_.size() > 4)
        core::fail_usage("a frame loop draws 1 to 4 simulations, not " + std::to_string(rings_.size()));
    const std::uint32_t n = rings_.front()->size();
    for (const auto* r : rings_)
        if (r->size() != n)
            core::fail_usage("every simulation of a frame loop needs the same number of frames in flight");
    // A ring may have run under an earlier loop (or been resized, or just been made to replace another): the loop
    // goes on from the furthest ring's next frame, and each ring from its own (loop frame k is ring frame k - base).
    next_ = rings_.front()->next_to_submit();
    for (const auto* r : rings_)
        next_ = std::max(next_, r->next_to_submit());
    next_to_retire_ = next_;
    for (const auto* r : rings_)
        base_.push_back(next_.value - r->next_to_submit().value);
    if (info_.batch < 1 || info_.batch > n)
        core::fail_usage("--batch " + std::to_string(info_.batch) + " must be between 1 and --frames-in-flight (" +
                         std::to_string(n) + "): a batch holds one ring slot per frame");
    if (rings_.size() > 1 && info_.batch != 1)
        core::fail_usage("several simulations in one loop are drawn one frame per submission: --batch must be 1");
    const auto extent = target.extent();
    for (std::size_t i = 0; i < rings_.size(); ++i) {
        const VkRect2D rect = pane_rect(extent, rings_.size(), i);
        if (rect.extent.width == 0 || rect.extent.height == 0)
            core::fail_usage("the target " + core::to_string(extent) + " is too small for " +
                             std::to_string(rings_.size()) + " panes");
        auto& ring = *rings_[i];
        if (!target.raster() && drawn_by_raster(ring.output().kind, info_.points))
            core::fail_usage(ring.name() + " is drawn by a raster pass, and the target was made without colour "
                                           "attachment usage (OffscreenTargetInfo::raster)");
        std::vector<SlotOutput> slots;
        for (std::uint32_t s = 0; s < ring.size(); ++s)
            slots.push_back(ring.slot(s));
        panes_.push_back(std::make_unique<Pane>(
            Pane{Drawer::create(ctx, ring.output(), target.images(), slots, rect, ring.name(), info_.points),
                 render::Timestamps::create(ctx, ring.size(), ring.name() + ".timestamps")}));
    }
    states_.assign(target.images().size(), TargetState{});
    timings_.resize(rings_.size());
    // Frames produced and not retired: N submitted, plus at most N produced (a batch and the lookahead). Frames an
    // earlier loop produced count from now.
    started_ns_.assign(2 * std::size_t(n), render::host_monotonic_ns());
    if (std::any_of(rings_.begin(), rings_.end(), [](const FrameRing* r) { return r->produces_ahead(); }))
        lookahead_ = n - info_.batch;
}

FrameLoop::~FrameLoop() {
    // The rings wait for their own submissions when they are destroyed, but the panes' pipelines and descriptor
    // sets are used by those submissions and die first: wait here (bounded), and leak the panes if the GPU never
    // finishes rather than destroy them in use.
    bool idle = true;
    try {
        for (std::size_t r = 0; r < rings_.size(); ++r)
            if (next_.value > base_[r])
                idle = idle && rings_[r]->wait(local(r, {next_.value - 1}), std::chrono::seconds(5)) ==
                                   render::WaitOutcome::reached;
    } catch (...) { // a lost device: nothing can be known to be finished
        idle = false;
    }
    if (!idle)
        for (auto& p : panes_)
            (void)p.release();
}

VkRect2D FrameLoop::pane(std::size_t i) const {
    return pane_rect(target_.extent(), rings_.size(), i);
}

void FrameLoop::set_view(std::size_t i, std::optional<PaneView> view) {
    panes_.at(i)->view = view;
}

void FrameLoop::retire_through(core::FrameIndex k) {
    for (; next_to_retire_ <= k; next_to_retire_ = next_to_retire_.next()) {
        const core::FrameIndex j = next_to_retire_;
        for (std::size_t r = 0; r < rings_.size(); ++r) {
            auto& ring = *rings_[r];
            const core::FrameIndex rj = local(r, j);
            if (ring.wait(rj, kRetireTimeout) == render::WaitOutcome::timeout)
                core::fail("frame " + std::to_string(rj.value) + " did not finish on the GPU within 20 s", ring.name());
            if (j < timed_from_ || !ring.timed(rj))
                continue;
            if (auto ms = ring.simulation_ms(rj))
                timings_[r].simulation_ms.push_back(*ms);
            if (auto ms = panes_[r]->timestamps.read_ms(ring.slot_of(rj)))
                timings_[r].draw_ms.push_back(*ms);
            if (auto end = panes_[r]->timestamps.end_host_ns(ring.slot_of(rj)))
                timings_[r].latency_ms.push_back(double(*end - started_ns_[j.value % started_ns_.size()]) * 1e-6);
        }
        target_.on_retired(j);
    }
}

void FrameLoop::record(FrameRing& ring, Pane& pane, core::FrameIndex k, std::uint32_t image, VkCommandBuffer cmd) {
    // k is the ring's own frame number here.
    const std::uint32_t s = ring.slot_of(k);
    // Frame k-N of the slot has retired and its timestamps were read (retire_through): they may be reset now.
    const bool timed = ring.timed(k);
    if (timed)
        pane.timestamps.record_begin(cmd, s, render::QueryReset::on_host_if_supported);
    ring.record_acquire(cmd, k);
    auto& state = states_[image];
    const auto write = pane.drawer.write_scope();
    // A single pane rewrites every pixel (the compositor covers it, raster passes clear it): discard what was there.
    const bool whole = rings_.size() == 1;
    render::record_barrier(cmd, {.image = target_.images()[image]->get(),
                                 .src_stage = state.last_write.stage,
                                 .src_access = state.last_write.access,
                                 .dst_stage = write.stage,
                                 .dst_access = write.access,
                                 .old_layout = whole ? VK_IMAGE_LAYOUT_UNDEFINED : state.layout,
                                 .new_layout = pane.drawer.layout()});
    pane.drawer.record(cmd, s, k.value, image, pane.view ? &*pane.view : nullptr);
    state = {.layout = pane.drawer.layout(), .last_write = write};
    ring.record_release(cmd, k);
    if (timed)
        pane.timestamps.record_end(cmd, s);
}

void FrameLoop::restart_timings() {
    for (auto& t : timings_)
        t = {};
    timed_from_ = next_;
}

void FrameLoop::advance(std::uint32_t count) {
    if (in_frame_)
        core::fail("FrameLoop::advance: a frame begun with begin_frame() has not ended", info_.name);
    if (count < 1 || count > info_.batch)
        core::fail("FrameLoop::advance: count must be 1..batch (" + std::to_string(info_.batch) + ")", info_.name);
    const core::FrameIndex first = next_;
    const core::FrameIndex last{first.value + count - 1};
    if (info_.frames > 0 && last.value >= info_.frames)
        core::fail("FrameLoop::advance: frame " + std::to_string(last.value) + " is beyond FrameLoopInfo::frames",
                   info_.name);
    // 1. Produce the batch (what is not produced yet): the GPU orders CUDA after Vulkan's reads of the slots it
    //    reuses. 2. Submit it. 3. Produce the rings that gain from it up to L frames beyond the batch (staging: CUDA
    //    simulates and copies them while the host waits for this batch's copies next time). Frames [first, last + L]
    //    hold at most B + L <= N slots; producing after the submission keeps the GPU busy while the host waits for
    //    the host memory of a slot to be read (the previous batch).
    produce_through(last, false);
    next_ = last.next();
    submit(first, last);
    if (lookahead_ > 0) {
        std::uint64_t ahead = last.value + lookahead_;
        if (info_.frames > 0)
            ahead = std::min<std::uint64_t>(ahead, info_.frames - 1);
        if (ahead > last.value)
            produce_through({ahead}, true);
    }
}

void FrameLoop::produce_through(core::FrameIndex last, bool ahead_only) {
    for (std::size_t r = 0; r < rings_.size(); ++r) {
        auto& ring = *rings_[r];
        if (ahead_only && !ring.produces_ahead())
            continue;
        while (ring.next_frame() <= local(r, last)) {
            const core::FrameIndex k{ring.next_frame().value + base_[r]};
            started_ns_[k.value % started_ns_.size()] = render::host_monotonic_ns();
            ring.produce(ring.next_frame());
        }
    }
}

void FrameLoop::submit(core::FrameIndex first, core::FrameIndex last) {
    // Record and submit frames [first, last], produced. A slot's command buffer is reused once its previous frame
    // (k-N) has retired.
    const std::uint32_t n = rings_.front()->size();
    const bool batched = rings_.size() == 1;
    std::vector<render::SemaphoreSubmit> waits, signals;
    for (core::FrameIndex k = first; k <= last; k = k.next()) {
        // The target first (a swapchain acquires its image), then the slot's previous frame retires.
        const std::uint32_t image = target_.begin_frame(k);
        if (k.value >= n)
            retire_through({k.value - n});
        for (std::size_t r = 0; r < rings_.size(); ++r) {
            auto& ring = *rings_[r];
            const core::FrameIndex rk = local(r, k);
            const VkCommandBuffer cmd = ring.begin_commands(rk);
            record(ring, *panes_[r], rk, image, cmd);
            if (r + 1 == rings_.size())
                target_.record_end_frame(cmd, k, image, states_[image]);
            CUVK_VK(vkEndCommandBuffer(cmd), ring.name());
            if (batched && k != last)
                continue;
            waits.clear();
            signals.clear();
            if (r == 0)
                target_.add_waits(k, waits);
            if (r + 1 == rings_.size())
                target_.add_signals(k, signals);
            ring.submit(local(r, batched ? first : k), rk, waits, signals);
        }
        if (!batched)
            target_.end_frame(k);
    }
    if (batched)
        for (core::FrameIndex k = first; k <= last; k = k.next())
            target_.end_frame(k);
}

void FrameLoop::begin_frame() {
    if (in_frame_)
        core::fail("FrameLoop::begin_frame: the frame begun before has not ended", info_.name);
    if (rings_.size() != 1)
        core::fail_usage("FrameLoop::begin_frame draws one ring; this loop draws " + std::to_string(rings_.size()));
    const core::FrameIndex k = next_;
    if (info_.frames > 0 && k.value >= info_.frames)
        core::fail("FrameLoop::begin_frame: frame " + std::to_string(k.value) + " is beyond FrameLoopInfo::frames",
                   info_.name);
    for (std::size_t r = 0; r < rings_.size(); ++r)
        if (rings_[r]->next_frame() != local(r, k))
            core::fail("FrameLoop::begin_frame: a ring holds frames produced ahead; draw them with advance() first",
                       rings_[r]->name());
    started_ns_[k.value % started_ns_.size()] = render::host_monotonic_ns();
    rings_.front()->begin_produce(local(0, k));
    in_frame_ = true;
}

void FrameLoop::end_frame() {
    if (!in_frame_)
        core::fail("FrameLoop::end_frame: no frame was begun", info_.name);
    const core::FrameIndex k = next_;
    in_frame_ = false;
    rings_.front()->end_produce(local(0, k));
    next_ = k.next();
    submit(k, k);
}

void FrameLoop::finish() {
    if (next_.value > 0)
        retire_through({next_.value - 1});
    for (auto* r : rings_)
        r->finish();
}

} // namespace cuvk::engine
