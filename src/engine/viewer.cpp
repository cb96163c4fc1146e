#include "cuvk/core/atomic_file.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/core/text.hpp"
#include "cuvk/engine/cuda_recovery.hpp"
#include "cuvk/interop/extensions.hpp"
#include "cuvk/interop/probe.hpp"
#include "cuvk/render/readback.hpp"
#include "viewer_impl.hpp"

#include <GLFW/glfw3.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>

namespace cuvk::engine {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kStatusPeriod = std::chrono::milliseconds(200);
// Readback buffers of a target: one more than the most frames in flight, so that a capture always finds one free
// (a frame's buffer is held until it retires, and at most N - 1 frames are unretired when one is recorded).
constexpr std::uint32_t kReadbacks = 9;
// UI frames: at most 60 a second (a display's rate; the panel is laid over every frame from its image between them).
constexpr auto kUiPeriod = std::chrono::microseconds(1'000'000 / 60);

render::PresentMode parse_present_mode(const std::string& text) {
    for (auto m : {render::PresentMode::fifo, render::PresentMode::mailbox, render::PresentMode::immediate})
        if (text == render::to_string(m))
            return m;
    core::fail_usage("--present-mode must be fifo, mailbox or immediate, not " + core::quote(text));
}

bool is_image(const FrameRing& ring) {
    return ring.output().kind == compute::OutputKind::image;
}

} // namespace

// --- Rolling -------------------------------------------------------------------------------------------------------

void Rolling::push(double v) {
    values_[next_] = float(v);
    next_ = (next_ + 1) % values_.size();
    count_ = std::min(count_ + 1, values_.size());
}

StageStats Rolling::stats() const {
    return summarize({values_.begin(), values_.begin() + std::ptrdiff_t(count_)});
}

std::vector<float> Rolling::ordered() const {
    std::vector<float> out;
    out.reserve(count_);
    const std::size_t start = count_ < values_.size() ? 0 : next_;
    for (std::size_t i = 0; i < count_; ++i)
        out.push_back(values_[(start + i) % values_.size()]);
    return out;
}

// --- setup ---------------------------------------------------------------------------------------------------------

Viewer::Viewer(const Registry& registry, const ViewerInfo& info) : registry_(registry), info_(info) {
    ViewerPreset& preset = info_.preset;
    if (preset.panes.empty())
        preset.panes.push_back({});
    if (preset.panes.size() > 4)
        core::fail_usage("the viewer shows 1 to 4 simulations, not " + std::to_string(preset.panes.size()));
    if (preset.frames_in_flight < 1 || preset.frames_in_flight > 8)
        core::fail_usage("--frames-in-flight must be 1..8, not " + std::to_string(preset.frames_in_flight));
    if (info_.window.empty())
        core::fail_usage("the window size must not be empty");
    const auto present_mode = parse_present_mode(info_.present_mode);
    // Every pane's parameters, resolved now: bad --set values are usage errors before anything is created.
    std::vector<const compute::SimulationDesc*> descs;
    for (auto& pane : preset.panes)
        descs.push_back(&registry.desc(pane.sample));
    for (std::size_t i = 0; i < preset.panes.size(); ++i) {
        auto& pane = preset.panes[i];
        if (pane.steps > FrameRing::kMaxStepsPerFrame)
            core::fail_usage("steps per frame must be 0.." + std::to_string(FrameRing::kMaxStepsPerFrame));
        if (pane.params.empty()) {
            pane.params = resolve_params(*descs[i], pane.sets, true);
        } else if (!pane.sets.empty()) {
            // A preset's values with --set applied over them.
            std::vector<std::string> sets;
            for (std::size_t p = 0; p < descs[i]->params.size(); ++p)
                sets.push_back(descs[i]->params[p].name + "=" + std::to_string(pane.params[p]));
            sets.insert(sets.end(), pane.sets.begin(), pane.sets.end());
            pane.params = resolve_params(*descs[i], sets, true);
        }
    }
    for (auto& pane : preset.panes)
        if (!pane.sets.empty()) {
            check_sets_known(descs, pane.sets);
            pane.sets.clear();
        }
    frames_in_flight_ = preset.frames_in_flight;
    sync_ = preset.sync;
    panel_visible_ = !info_.hide_panel;
    copy_path_ = info_.copy_path;

    if (!info_.headless) {
        window_ =
            render::Window::create({.size = info_.window, .title = "cuvk-viewer", .fullscreen = info_.fullscreen});
        window_->set_callbacks({.key = [this](int k, int a, int m) { on_key(k, a, m); },
                                .mouse_button = [this](int b, int a, int m) { on_button(b, a, m); },
                                .cursor = [this](double x, double y) { on_cursor(x, y); },
                                .scroll = [this](double dx, double dy) { on_scroll(dx, dy); }});
    }
    render::ContextInfo ctx_info{.app_name = "cuvk-viewer",
                                 .validation =
                                     info_.validation ? render::Validation::required : render::Validation::off,
                                 .device = info_.device,
                                 .log = info_.log};
    if (window_) {
        ctx_info.instance_extensions = render::Window::required_instance_extensions();
        ctx_info.required_device_extensions.push_back(VK_KHR_SWAPCHAIN_EXTENSION_NAME);
    }
    ctx_ = render::Context::create(interop::with_interop_extensions(std::move(ctx_info)));
    result_.device = ctx_->device_name();
    const auto probe = interop::probe(*ctx_);
    cuda_available_ = probe.available();
    for (const auto& r : probe.reasons)
        cuda_reasons_ += (cuda_reasons_.empty() ? "" : "; ") + r;

    if (window_)
        make_swapchain(present_mode);
    else
        make_target();
    make_overlay();

    // The simulation size: what the first pane measures at start, unless given.
    const auto target_extent = overlay_->extent();
    const std::uint32_t count = std::uint32_t(preset.panes.size());
    const std::uint32_t cols = count == 4 ? 2 : count, rows = count == 4 ? 2 : 1;
    sim_size_ = info_.sim_size.value_or(
        core::Extent2D{std::max(1u, target_extent.width / cols), std::max(1u, target_extent.height / rows)});
    for (auto& pane : preset.panes) {
        panes_.push_back({});
        panes_.back().settings = pane;
    }
    for (std::size_t i = 0; i < panes_.size(); ++i)
        start_pane(i); // a backend this machine lacks is an error here: the user asked for it by name
    make_loop();
}

Viewer::~Viewer() {
    // The loop first: it waits (bounded) for the frames that use the panes' pipelines. Then the queue, for the
    // presents that still wait on the swapchain's semaphores, before the ImGui layer and the targets go.
    loop_.reset();
    panes_.clear();
    try {
        if (ctx_)
            ctx_->wait_idle();
    } catch (...) { // a lost device: nothing more to wait for
    }
}

// Captures (a screenshot, a recording) of both kinds of target go through these two. A frame is captured only into
// a free readback buffer (the host never waits for one): a recording skips the frame, a screenshot moves to the next.
bool Viewer::wants_capture(core::FrameIndex k) {
    const bool free = swapchain_ ? swapchain_->can_capture() : offscreen_->can_capture();
    if (screenshot_frame_ && *screenshot_frame_ == k) {
        if (free)
            return true;
        screenshot_frame_ = k.next();
    }
    return recorder_ != nullptr && free;
}

void Viewer::take_capture(core::FrameIndex k, render::Pixels&& pixels) {
    if (screenshot_frame_ && *screenshot_frame_ == k)
        screenshot_pixels_ = pixels;
    if (recorder_)
        recorder_->push(std::move(pixels));
}

void Viewer::make_swapchain(render::PresentMode present_mode) {
    swapchain_ = std::make_unique<SwapchainTarget>(
        *ctx_, *window_,
        SwapchainTargetInfo{
            .present_mode = present_mode,
            .allow_storage = !copy_path_,
            .readbacks = kReadbacks,
            .capture = [this](core::FrameIndex k) { return wants_capture(k); },
            .on_capture = [this](core::FrameIndex k, render::Pixels&& p) { take_capture(k, std::move(p)); },
            .name = "window"});
}

void Viewer::make_target() {
    offscreen_ = std::make_unique<OffscreenTarget>(
        *ctx_, OffscreenTargetInfo{
                   .extent = info_.window,
                   .readbacks = kReadbacks,
                   .capture = [this](core::FrameIndex k) { return wants_capture(k); },
                   .on_capture = [this](core::FrameIndex k, render::Pixels&& p) { take_capture(k, std::move(p)); },
                   .name = "viewer"});
}

void Viewer::make_overlay() {
    if (!swapchain_ && copy_path_ && !copy_through_) // headless: the copy path, to measure it without a display
        copy_through_ = std::make_unique<CopyThroughTarget>(*ctx_, *offscreen_);
    Target& inner = swapchain_      ? static_cast<Target&>(*swapchain_)
                    : copy_through_ ? static_cast<Target&>(*copy_through_)
                                    : static_cast<Target&>(*offscreen_);
    if (!imgui_)
        imgui_ = render::ImGuiLayer::create(*ctx_,
                                            {.format = inner.images().front()->format(),
                                             .window = window_.get(),
                                             .scale = window_ ? window_->content_scale() : 1.0f,
                                             .frames_in_flight = 10,
                                             .name = "viewer.imgui"},
                                            inner.images());
    else
        imgui_->set_targets(inner.images());
    overlay_ = std::make_unique<OverlayTarget>(
        inner, [this](VkCommandBuffer cmd, std::uint32_t image) { imgui_->record(cmd, image); },
        [this] { return panel_visible_; }, imgui_->layout(), StageScope{imgui_->stage(), imgui_->access()});
}

Backend Viewer::resolve(const ViewerPane& pane, std::string& note) const {
    const auto& desc = registry_.desc(pane.sample);
    Backend b = pane.backend;
    if (b == Backend::automatic)
        b = cuda_available_ && desc.has_cuda ? Backend::interop : Backend::cpu;
    if (b == Backend::split)
        b = Backend::interop; // one display GPU in the viewer
    if ((b == Backend::interop || b == Backend::staging) && !cuda_available_) {
        note = std::string("the ") + to_string(b) + " backend is unavailable: " + cuda_reasons_;
        return Backend::automatic;
    }
    if (b == Backend::cpu && !desc.has_cpu) {
        note = pane.sample + " has no CPU implementation";
        return Backend::automatic;
    }
    if (b != Backend::cpu && !desc.has_cuda) {
        note = pane.sample + " has no CUDA implementation";
        return Backend::automatic;
    }
    return b;
}

core::Extent2D Viewer::sim_extent(std::size_t pane) const {
    if (!match_window_)
        return sim_size_;
    const VkRect2D r = FrameLoop::pane_rect(overlay_->extent(), panes_.size(), pane);
    return {std::max(1u, r.extent.width), std::max(1u, r.extent.height)};
}

// A new ring for pane i with its settings (resolve() has accepted them). Throws what the ring throws.
void Viewer::start_pane(std::size_t i) {
    PaneState& pane = panes_[i];
    std::string note;
    const Backend backend = resolve(pane.settings, note);
    if (backend == Backend::automatic)
        core::fail(note, pane.settings.sample);
    pane.ring.reset(); // the old ring's work finishes first (bounded wait)
    pane.ring = std::make_unique<FrameRing>(*ctx_, registry_.make(pane.settings.sample),
                                            RingInfo{.backend = backend,
                                                     .extent = sim_extent(i),
                                                     .params = pane.settings.params,
                                                     .frames_in_flight = frames_in_flight_,
                                                     .sync = sync_,
                                                     .seed = pane.settings.seed,
                                                     .cuda_device = info_.cuda_device,
                                                     .name = pane.settings.sample + "#" + std::to_string(i)});
    pane.ring->set_steps(paused_ ? 0 : pane.settings.steps);
    pane.backend = backend;
    pane.sim_ms = Rolling();
    pane.draw_ms = Rolling();
    const auto kind = pane.ring->output().kind;
    if (kind == compute::OutputKind::image) {
        pane.view.orbit = false;
    } else if (!pane.view.orbit) {
        const bool points = kind == compute::OutputKind::points;
        pane.view = {.orbit = true,
                     .yaw = points ? 0.6f : 0.8f,
                     .pitch = points ? 0.35f : 0.65f,
                     .distance = points ? 3.4f : 2.7f};
    }
}

// Whether pane i's settings can run here; if not, they go back to what runs (or the cpu backend) and the note says
// why. True when the pane needs a new ring.
bool Viewer::accept_settings(std::size_t i) {
    PaneState& pane = panes_[i];
    std::string note;
    if (resolve(pane.settings, note) != Backend::automatic) {
        pane.note.clear();
        return true;
    }
    pane.note = note;
    message_ = pane.settings.sample + ": " + note;
    if (pane.ring) { // keep what runs
        pane.settings.sample = pane.ring->simulation().desc().name;
        pane.settings.backend = pane.backend;
        pane.settings.params = pane.ring->params();
        return false;
    }
    pane.settings.backend = Backend::cpu;
    std::string cpu_note;
    if (resolve(pane.settings, cpu_note) == Backend::automatic)
        core::fail(note + "; " + cpu_note, pane.settings.sample);
    return true;
}

void Viewer::make_loop() {
    std::vector<FrameRing*> rings;
    for (auto& p : panes_)
        rings.push_back(p.ring.get());
    loop_ = std::make_unique<FrameLoop>(*ctx_, *overlay_, rings, FrameLoopInfo{.batch = 1, .name = "viewer"});
    for (std::size_t i = 0; i < panes_.size(); ++i)
        loop_->set_view(i, panes_[i].view);
}

// A kernel faulted and CUDA's context is lost: the panes go on in a new context (recover_from_cuda_fault), a live
// kernel with its last good kernel, and the panel says what happened. False when the error was not a fault.
bool Viewer::recover_cuda() {
    std::vector<FrameRing*> rings;
    for (auto& p : panes_)
        if (p.ring)
            rings.push_back(p.ring.get());
    const auto recovered = recover_from_cuda_fault(rings);
    if (!recovered)
        return false;
    ++result_.cuda_recoveries;
    message_ = "CUDA faulted (" + recovered->error + ", seen by " + recovered->ring + "): context reset, " +
               std::to_string(recovered->rings) + " pane(s) restarted in " +
               std::to_string(int(recovered->milliseconds)) + " ms";
    log(core::LogLevel::warning, message_);
    return true;
}

void Viewer::drop_loop() {
    if (!loop_)
        return;
    loop_->finish();
    loop_.reset();
}

void Viewer::rebuild_window() {
    drop_loop();
    ctx_->wait_idle();
    if (recorder_ && recorder_->extent() != window_->framebuffer_size()) {
        log(core::LogLevel::warning, "the window changed size: recording stopped");
        toggle_recording();
    }
    swapchain_->rebuild();
    make_overlay();
    if (match_window_)
        for (std::size_t i = 0; i < panes_.size(); ++i)
            panes_[i].ring->resize(sim_extent(i));
    make_loop();
}

void Viewer::set_paused(bool paused) {
    paused_ = paused;
    for (auto& p : panes_)
        if (p.ring)
            p.ring->set_steps(paused ? 0 : p.settings.steps);
}

// --- requests --------------------------------------------------------------------------------------------------------

void Viewer::apply_requests() {
    ViewerRequests r = std::move(requests_);
    requests_ = {};
    if (r.quit && window_)
        window_->request_close();
    if (r.save_preset) {
        try {
            save_preset(registry_, current_preset(), *r.save_preset);
            message_ = "saved " + core::quote(*r.save_preset);
            result_.written.push_back(*r.save_preset);
        } catch (const core::Error& e) {
            message_ = e.message();
        }
    }
    std::optional<ViewerPreset> loaded;
    if (r.load_preset) {
        try {
            loaded = load_preset(registry_, *r.load_preset);
            message_ = "loaded " + core::quote(*r.load_preset);
        } catch (const core::Error& e) {
            message_ = e.message(); // the panel shows it; the preset on disk is untouched
        }
    }
    if (r.present_mode || r.toggle_copy)
        change_window_path(r.present_mode, r.toggle_copy);

    // What changes rings: applied as a whole, or (when a ring cannot be made: out of memory, a size beyond the
    // device's limits) undone, back to the settings that ran, with the reason in the panel.
    const ViewerPreset before = running_preset();
    const core::Extent2D size_before = panes_.front().ring ? panes_.front().ring->info().extent : sim_size_;
    try {
        change_rings(r, loaded);
    } catch (const core::Error& e) {
        if (e.is_interrupted())
            throw;
        message_ = e.message() + " (back to the settings that ran)";
        log(core::LogLevel::warning, message_);
        sim_size_ = size_before;
        match_window_ = false;
        change_rings({.rebuild_all = true}, before); // fails only if what ran before cannot run again: fatal
    }
    if (!loop_)
        make_loop();
    if (r.step && paused_) { // one frame with each pane's steps, then paused again (run())
        for (auto& p : panes_)
            p.ring->set_steps(std::max(1u, p.settings.steps));
        step_pending_ = true;
    }
    if (r.screenshot) {
        screenshot_frame_ = loop_->next_frame();
        screenshot_path_ = info_.screenshot.empty() ? timestamped(".png") : info_.screenshot;
    }
    if (r.toggle_record)
        toggle_recording();
}

// A new present mode, or the other way of filling the window (direct / copy): a new swapchain, so every frame must
// have retired and the queue be idle first.
void Viewer::change_window_path(std::optional<render::PresentMode> mode, bool toggle_copy) {
    if (!swapchain_)
        return;
    drop_loop();
    ctx_->wait_idle();
    if (!toggle_copy) {
        swapchain_->rebuild(mode);
    } else {
        const render::PresentMode keep = mode.value_or(swapchain_->swapchain().present_mode());
        copy_path_ = !copy_path_;
        // The ImGui layer is made for the images' format, which the other path may change.
        imgui_.reset();
        overlay_.reset();
        swapchain_.reset();
        make_swapchain(keep);
    }
    make_overlay();
}

// Loads a preset, adds or removes panes, and gives panes new rings, as `r` asks.
void Viewer::change_rings(const ViewerRequests& r, const std::optional<ViewerPreset>& preset) {
    std::vector<std::size_t> restart = r.restart;
    bool rebuild_all = r.rebuild_all;
    if (preset) {
        drop_loop();
        panes_.clear();
        frames_in_flight_ = preset->frames_in_flight;
        sync_ = preset->sync;
        for (const auto& pane : preset->panes) {
            panes_.push_back({});
            panes_.back().settings = pane;
        }
        rebuild_all = true;
    }
    if (r.add_pane && panes_.size() < 4) {
        drop_loop();
        panes_.push_back({});
        panes_.back().settings = panes_.front().settings;
        restart.push_back(panes_.size() - 1);
    }
    if (r.remove_pane && panes_.size() > 1 && *r.remove_pane < panes_.size()) {
        drop_loop();
        panes_.erase(panes_.begin() + std::ptrdiff_t(*r.remove_pane));
        restart.clear(); // indices moved; a drag in progress belongs to a pane that may be gone
        drag_.reset();
    }
    if (rebuild_all) {
        drop_loop();
        for (auto& p : panes_)
            p.ring.reset(); // each ring waits for its own work
        for (std::size_t i = 0; i < panes_.size(); ++i) {
            accept_settings(i);
            start_pane(i);
        }
        return;
    }
    std::sort(restart.begin(), restart.end());
    restart.erase(std::unique(restart.begin(), restart.end()), restart.end());
    for (std::size_t i : restart) {
        if (i >= panes_.size() || !accept_settings(i))
            continue;
        drop_loop();
        start_pane(i);
    }
}

// What the rings run now (the panel may already hold settings that are yet to be applied).
ViewerPreset Viewer::running_preset() const {
    ViewerPreset preset = current_preset();
    if (const FrameRing* first = panes_.front().ring.get()) {
        preset.frames_in_flight = first->size();
        preset.sync = first->info().sync;
    }
    for (std::size_t i = 0; i < panes_.size(); ++i)
        if (const FrameRing* ring = panes_[i].ring.get()) {
            preset.panes[i].sample = ring->simulation().desc().name;
            preset.panes[i].seed = ring->info().seed;
        }
    return preset;
}

ViewerPreset Viewer::current_preset() const {
    ViewerPreset preset{.frames_in_flight = frames_in_flight_, .sync = sync_};
    for (const auto& p : panes_) {
        ViewerPane pane = p.settings;
        pane.backend = p.backend;
        if (p.ring)
            pane.params = p.ring->params();
        preset.panes.push_back(pane);
    }
    return preset;
}

std::string Viewer::timestamped(const char* ext) const {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char name[64];
    std::strftime(name, sizeof name, "cuvk-%Y%m%d-%H%M%S", &tm);
    return std::string(name) + ext;
}

void Viewer::toggle_recording() {
    if (recorder_) {
        try {
            const std::string dest = recorder_->finish();
            message_ = "recorded " + std::to_string(recorder_->written()) + " frames into " + core::quote(dest) +
                       (recorder_->dropped() ? " (" + std::to_string(recorder_->dropped()) + " dropped)" : "");
            result_.written.push_back(dest);
        } catch (const core::Error& e) {
            message_ = e.message();
        }
        log(core::LogLevel::info, message_);
        recorder_.reset();
        return;
    }
    const std::string path = info_.record.empty() ? timestamped(".mp4") : info_.record;
    try {
        recorder_ = Recorder::start(path, overlay_->extent(), 60.0, info_.log);
        message_ = "recording into " + core::quote(recorder_->destination());
    } catch (const core::Error& e) {
        if (!info_.record.empty() && frames_ == 0)
            throw;              // --record that cannot start: the run fails at once, as a usage or runtime error
        message_ = e.message(); // from the panel or the V key: say why, keep running
    }
}

void Viewer::take_screenshot(render::Pixels&& pixels) {
    render::write_png(screenshot_path_, pixels);
    result_.written.push_back(screenshot_path_);
    message_ = "wrote " + core::quote(screenshot_path_);
    log(core::LogLevel::info, message_);
}

void Viewer::log(core::LogLevel level, const std::string& text) const {
    if (info_.log)
        info_.log(level, text);
}

// --- input ---------------------------------------------------------------------------------------------------------

// Whether the cursor belongs to the panel: over its window (as drawn last frame), or while ImGui holds the mouse for
// an open popup or a widget being dragged. ImGui's own WantCaptureMouse lags a frame behind a cursor that just
// moved, so the rectangle decides first.
bool Viewer::ui_has_mouse() const {
    if (!imgui_ || !panel_visible_)
        return false;
    const auto& r = panel_rect_;
    const bool over = cursor_x_ >= r[0] && cursor_y_ >= r[1] && cursor_x_ < r[0] + r[2] && cursor_y_ < r[1] + r[3];
    return over || (panel_busy_ && imgui_->wants_mouse());
}

std::optional<std::size_t> Viewer::pane_at(double x, double y) const {
    if (!loop_)
        return std::nullopt;
    for (std::size_t i = 0; i < panes_.size(); ++i) {
        const VkRect2D r = loop_->pane(i);
        if (x >= r.offset.x && y >= r.offset.y && x < r.offset.x + double(r.extent.width) &&
            y < r.offset.y + double(r.extent.height))
            return i;
    }
    return std::nullopt;
}

compute::PointerEvent Viewer::pointer_at(std::size_t i, double x, double y, double dx, double dy,
                                         std::uint32_t buttons) const {
    const VkRect2D r = loop_->pane(i);
    const PaneView& v = panes_[i].view;
    const float span = 1.0f / v.zoom;
    const float u = v.center[0] - 0.5f * span + float((x - r.offset.x) / double(r.extent.width)) * span;
    const float w = v.center[1] - 0.5f * span + float((y - r.offset.y) / double(r.extent.height)) * span;
    return {.x = u,
            .y = w,
            .dx = float(dx / double(r.extent.width)) * span,
            .dy = float(dy / double(r.extent.height)) * span,
            .buttons = buttons};
}

void Viewer::on_key(int key, int action, int mods) {
    (void)mods;
    if (action != GLFW_PRESS || (imgui_ && panel_visible_ && imgui_->wants_keyboard()))
        return;
    switch (key) {
    case GLFW_KEY_SPACE:
        set_paused(!paused_);
        break;
    case GLFW_KEY_N:
        requests_.step = true;
        break;
    case GLFW_KEY_R:
        for (std::size_t i = 0; i < panes_.size(); ++i)
            requests_.restart.push_back(i);
        break;
    case GLFW_KEY_P:
        requests_.screenshot = true;
        break;
    case GLFW_KEY_V:
        requests_.toggle_record = true;
        break;
    case GLFW_KEY_F:
    case GLFW_KEY_F11:
        if (window_)
            window_->toggle_fullscreen();
        break;
    case GLFW_KEY_TAB:
    case GLFW_KEY_H:
        panel_visible_ = !panel_visible_;
        break;
    case GLFW_KEY_0:
        for (std::size_t i = 0; i < panes_.size(); ++i) {
            const bool orbit = panes_[i].view.orbit;
            panes_[i].view = PaneView{};
            if (orbit && panes_[i].ring) {
                const bool points = panes_[i].ring->output().kind == compute::OutputKind::points;
                panes_[i].view = {.orbit = true,
                                  .yaw = points ? 0.6f : 0.8f,
                                  .pitch = points ? 0.35f : 0.65f,
                                  .distance = points ? 3.4f : 2.7f};
            }
            if (loop_)
                loop_->set_view(i, panes_[i].view);
        }
        break;
    case GLFW_KEY_ESCAPE:
    case GLFW_KEY_Q:
        requests_.quit = true;
        break;
    default:
        break;
    }
}

void Viewer::on_button(int button, int action, int mods) {
    if (action == GLFW_RELEASE) {
        if (drag_ && drag_->button == button) {
            if (drag_->kind == Drag::paint && drag_->pane < panes_.size() && panes_[drag_->pane].ring)
                panes_[drag_->pane].ring->pointer(pointer_at(drag_->pane, cursor_x_, cursor_y_, 0, 0, 0));
            drag_.reset();
        }
        return;
    }
    if (action != GLFW_PRESS || drag_ || ui_has_mouse())
        return;
    const auto pane = pane_at(cursor_x_, cursor_y_);
    if (!pane || !panes_[*pane].ring)
        return;
    Drag d{.pane = *pane, .button = button, .x = cursor_x_, .y = cursor_y_};
    if (!is_image(*panes_[*pane].ring))
        d.kind = Drag::orbit;
    else if (button == GLFW_MOUSE_BUTTON_MIDDLE || (button == GLFW_MOUSE_BUTTON_LEFT && (mods & GLFW_MOD_SHIFT)))
        d.kind = Drag::pan;
    else
        d.kind = Drag::paint;
    drag_ = d;
    if (d.kind == Drag::paint) {
        const std::uint32_t buttons = button == GLFW_MOUSE_BUTTON_RIGHT ? 2u : 1u;
        panes_[d.pane].ring->pointer(pointer_at(d.pane, cursor_x_, cursor_y_, 0, 0, buttons));
    }
}

void Viewer::on_cursor(double x, double y) {
    const double dx = x - cursor_x_, dy = y - cursor_y_;
    cursor_x_ = x;
    cursor_y_ = y;
    if (!drag_ || drag_->pane >= panes_.size() || !panes_[drag_->pane].ring || !loop_)
        return;
    PaneState& pane = panes_[drag_->pane];
    const VkRect2D r = loop_->pane(drag_->pane);
    switch (drag_->kind) {
    case Drag::paint: {
        const std::uint32_t buttons = drag_->button == GLFW_MOUSE_BUTTON_RIGHT ? 2u : 1u;
        pane.ring->pointer(pointer_at(drag_->pane, x, y, dx, dy, buttons));
        break;
    }
    case Drag::pan:
        pane.view.center[0] -= float(dx / double(r.extent.width)) / pane.view.zoom;
        pane.view.center[1] -= float(dy / double(r.extent.height)) / pane.view.zoom;
        loop_->set_view(drag_->pane, pane.view);
        break;
    case Drag::orbit:
        pane.view.yaw -= float(dx) * 0.008f;
        pane.view.pitch = std::clamp(pane.view.pitch + float(dy) * 0.008f, -1.5f, 1.5f);
        loop_->set_view(drag_->pane, pane.view);
        break;
    }
}

void Viewer::on_scroll(double, double dy) {
    if (ui_has_mouse() || !loop_)
        return;
    const auto i = pane_at(cursor_x_, cursor_y_);
    if (!i || !panes_[*i].ring)
        return;
    PaneView& v = panes_[*i].view;
    const float factor = std::pow(1.15f, float(dy));
    if (v.orbit) {
        v.distance = std::clamp(v.distance / factor, 0.5f, 20.0f);
    } else {
        // Zoom about the point under the cursor: it stays where it is.
        const auto before = pointer_at(*i, cursor_x_, cursor_y_, 0, 0, 0);
        v.zoom = std::clamp(v.zoom * factor, 0.25f, 64.0f);
        const auto after = pointer_at(*i, cursor_x_, cursor_y_, 0, 0, 0);
        v.center[0] += before.x - after.x;
        v.center[1] += before.y - after.y;
    }
    loop_->set_view(*i, v);
}

// --- the frame -------------------------------------------------------------------------------------------------------

void Viewer::collect_timings(double frame_ms) {
    frame_ms_.push(frame_ms);
    auto& timings = loop_->timings();
    for (std::size_t i = 0; i < panes_.size() && i < timings.size(); ++i) {
        for (double v : timings[i].simulation_ms)
            panes_[i].sim_ms.push(v);
        for (double v : timings[i].draw_ms)
            panes_[i].draw_ms.push(v);
        timings[i].simulation_ms.clear();
        timings[i].draw_ms.clear();
        timings[i].latency_ms.clear(); // not shown; cleared so that it does not grow for as long as the viewer runs
    }
}

void Viewer::write_status(bool force) {
    if (info_.status.empty())
        return;
    const auto now = Clock::now();
    if (!force && now - last_status_ < kStatusPeriod)
        return;
    last_status_ = now;
    nlohmann::json panes = nlohmann::json::array();
    for (std::size_t i = 0; i < panes_.size(); ++i) {
        const auto& p = panes_[i];
        const VkRect2D r = overlay_ ? FrameLoop::pane_rect(overlay_->extent(), panes_.size(), i) : VkRect2D{};
        panes.push_back({{"sample", p.settings.sample},
                         {"backend", to_string(p.backend)},
                         {"steps_taken", p.ring ? p.ring->steps_taken() : 0},
                         {"frame", p.ring ? p.ring->next_frame().value : 0},
                         {"sim_size", p.ring ? core::to_string(p.ring->info().extent) : ""},
                         {"note", p.note},
                         {"rect", {r.offset.x, r.offset.y, r.extent.width, r.extent.height}}});
    }
    nlohmann::json controls = nlohmann::json::object();
    for (const auto& [name, rect] : controls_)
        controls[name] = {rect[0], rect[1], rect[2], rect[3]};
    const auto extent = overlay_ ? overlay_->extent() : core::Extent2D{};
    const nlohmann::json status = {{"frames", frames_},
                                   {"paused", paused_},
                                   {"panel", panel_visible_},
                                   {"recording", recorder_ != nullptr},
                                   {"frames_in_flight", frames_in_flight_},
                                   {"sync", to_string(sync_)},
                                   {"direct", swapchain_ ? swapchain_->direct() : !copy_through_},
                                   {"size", {extent.width, extent.height}},
                                   {"fps", frame_ms_.empty() ? 0.0 : 1000.0 / frame_ms_.stats().mean_ms},
                                   {"message", message_},
                                   {"validation_messages", ctx_ ? ctx_->validation_messages().size() : 0},
                                   {"cuda_recoveries", result_.cuda_recoveries},
                                   {"panes", panes},
                                   {"controls", controls}};
    try {
        core::write_file_atomically(info_.status, status.dump(1) + "\n");
    } catch (const core::Error& e) {
        log(core::LogLevel::warning, "status file: " + e.message());
    }
}

ViewerResult Viewer::run() {
    const auto start = Clock::now();
    auto last = start;
    std::optional<Clock::time_point> last_ui;
    std::optional<Clock::time_point> steady_start; // after the first 10% of a --frames run (or 30 frames)
    std::uint64_t steady_from = 0;
    if (!info_.record.empty())
        requests_.toggle_record = true;
    for (;;) {
        if (info_.stop && info_.stop->load())
            break;
        if (window_) {
            window_->poll_events();
            if (window_->should_close())
                break;
            if (window_->is_minimized()) { // nothing to draw into: wait for the window to come back
                write_status(false);
                window_->wait_events(0.05);
                continue;
            }
            if (swapchain_->needs_rebuild())
                rebuild_window();
        }
        // A fault seen while the last frame waited (its rings gave up their frames in flight) is recovered from
        // before anything else touches CUDA: a resize or a new pane would synchronize with the lost context.
        recover_cuda();
        const bool last_frame = info_.frames != 0 && frames_ + 1 >= info_.frames;
        if (last_frame && !info_.screenshot.empty())
            requests_.screenshot = true;

        // The UI is built at most kUiRate times a second (the panel is laid over every frame from its own image),
        // so its host time does not grow with the frame rate.
        const auto now_ui = Clock::now();
        if (!last_ui || now_ui - *last_ui >= kUiPeriod) {
            const double dt = last_ui ? std::chrono::duration<double>(now_ui - *last_ui).count() : 1.0 / 60.0;
            imgui_->new_frame(overlay_->extent(), float(dt));
            controls_.clear();
            draw_panel();
            imgui_->end_frame();
            last_ui = now_ui;
        }
        apply_requests();
        if (window_ && window_->should_close())
            break;

        if (swapchain_) {
            const auto acquired = swapchain_->acquire();
            if (acquired == render::SwapchainStatus::timeout)
                continue; // nothing to draw into yet: events first
            if (acquired == render::SwapchainStatus::out_of_date) {
                rebuild_window();
                continue;
            }
        }
        // A fault thrown on the way is recovered from and the frame drawn again, into the image acquired for it —
        // unless the frame was drawn already (a staging ring's frames produced ahead after the submission).
        for (int attempt = 0;; ++attempt) {
            const core::FrameIndex frame = loop_->next_frame();
            try {
                loop_->advance(1);
                break;
            } catch (const core::Error&) {
                if (attempt == 2 || !recover_cuda())
                    throw;
                if (loop_->next_frame() != frame)
                    break;
            }
        }
        ++frames_;
        if (step_pending_) { // the one frame of a Step has been produced
            set_paused(true);
            step_pending_ = false;
        }
        if (!steady_start && frames_ >= std::max<std::uint64_t>(30, info_.frames / 10)) {
            steady_start = Clock::now();
            steady_from = frames_;
        }
        const auto now = Clock::now();
        collect_timings(std::chrono::duration<double, std::milli>(now - last).count());
        last = now;
        if (screenshot_pixels_) {
            take_screenshot(std::move(*screenshot_pixels_));
            screenshot_pixels_.reset();
            screenshot_frame_.reset();
        }
        write_status(false);
        if (info_.frames != 0 && frames_ >= info_.frames)
            break;
    }
    drop_loop(); // every frame retires: the last screenshot and recorded frames arrive
    if (screenshot_pixels_) {
        take_screenshot(std::move(*screenshot_pixels_));
        screenshot_pixels_.reset();
    }
    if (recorder_)
        toggle_recording();
    result_.frames = frames_;
    result_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (steady_start && frames_ > steady_from)
        result_.steady_fps =
            double(frames_ - steady_from) / std::chrono::duration<double>(Clock::now() - *steady_start).count();
    result_.validation_messages = ctx_->validation_messages().size();
    write_status(true);
    return result_;
}

ViewerResult run_viewer(const Registry& registry, const ViewerInfo& info) {
    Viewer viewer(registry, info);
    return viewer.run();
}

} // namespace cuvk::engine
