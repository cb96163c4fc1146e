#pragma once
// The viewer's internals: the Viewer object that run_viewer() drives (viewer.cpp: setup, rings, the frame, input,
// status; viewer_panel.cpp: the ImGui panel). Not installed.

#include "cuvk/engine/frame_loop.hpp"
#include "cuvk/engine/frame_ring.hpp"
#include "cuvk/engine/recorder.hpp"
#include "cuvk/engine/swapchain_target.hpp"
#include "cuvk/engine/target.hpp"
#include "cuvk/engine/timings.hpp"
#include "cuvk/engine/viewer.hpp"
#include "cuvk/render/imgui_layer.hpp"
#include "cuvk/render/window.hpp"
#include "overlay_target.hpp"

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cuvk::engine {

// The last `capacity` values of a series, for plots and percentiles.
class Rolling {
public:
    Rolling() : Rolling(240) {}
    explicit Rolling(std::size_t capacity) : values_(capacity, 0.0f) {}
    void push(double v);
    bool empty() const noexcept { return count_ == 0; }
    StageStats stats() const; // mean and p99 of the values held (engine::summarize)
    // Oldest first, for ImGui::PlotLines.
    std::vector<float> ordered() const;

private:
    std::vector<float> values_;
    std::size_t next_ = 0, count_ = 0;
};

struct PaneState {
    ViewerPane settings;             // what the user chose (params: current values)
    Backend backend = Backend::cpu;  // resolved
    std::unique_ptr<FrameRing> ring; // null when the pane could not start (note says why)
    PaneView view;
    Rolling sim_ms, draw_ms;
    std::string note; // the last refusal or failure, shown in the panel
    // A live kernel's editor: the text shown, and the kernel generation it was last taken from (until edited).
    std::string kernel_text;
    std::uint64_t kernel_generation = 0;
    bool kernel_edited = false;
};

// What the panel and the keys asked for, applied between frames.
struct ViewerRequests {
    std::vector<std::size_t> restart; // panes that get a new ring (sample, backend, seed, reset)
    bool rebuild_all = false;         // frames in flight, sync or simulation size changed
    bool screenshot = false;
    bool toggle_record = false;
    bool step = false;
    bool add_pane = false;
    std::optional<std::size_t> remove_pane;
    std::optional<render::PresentMode> present_mode;
    bool toggle_copy = false;
    std::optional<std::string> load_preset, save_preset;
    bool quit = false;
};

class Viewer {
public:
    Viewer(const Registry& registry, const ViewerInfo& info);
    ~Viewer();
    ViewerResult run();

    // The panel (viewer_panel.cpp): builds this frame's widgets, turning clicks into requests_ and direct changes.
    void draw_panel();
    void draw_kernel(PaneState& pane, compute::LiveKernel& live, const std::string& id);

private:
    struct Drag {
        std::size_t pane = 0;
        int button = 0;
        enum Kind { paint, pan, orbit } kind = paint;
        double x = 0.0, y = 0.0; // last cursor position, framebuffer pixels
    };

    void make_target();
    void make_swapchain(render::PresentMode present_mode);
    bool wants_capture(core::FrameIndex k);
    void take_capture(core::FrameIndex k, render::Pixels&& pixels);
    void make_overlay();
    void start_pane(std::size_t i);
    void make_loop();
    void drop_loop();
    bool recover_cuda();
    void rebuild_window();
    void apply_requests();
    void change_window_path(std::optional<render::PresentMode> mode, bool toggle_copy);
    void change_rings(const ViewerRequests& r, const std::optional<ViewerPreset>& preset);
    void set_paused(bool paused);
    Backend resolve(const ViewerPane& pane, std::string& note) const;
    bool accept_settings(std::size_t i);
    core::Extent2D sim_extent(std::size_t pane) const;
    std::optional<std::size_t> pane_at(double x, double y) const;
    compute::PointerEvent pointer_at(std::size_t pane, double x, double y, double dx, double dy,
                                     std::uint32_t buttons) const;
    bool ui_has_mouse() const;
    void on_key(int key, int action, int mods);
    void on_button(int button, int action, int mods);
    void on_cursor(double x, double y);
    void on_scroll(double dx, double dy);
    void take_screenshot(render::Pixels&& pixels);
    void toggle_recording();
    void collect_timings(double frame_ms);
    void write_status(bool force);
    void note_control(const std::string& name); // the last ImGui item's rectangle, for the status file
    std::string timestamped(const char* ext) const;
    ViewerPreset current_preset() const;
    ViewerPreset running_preset() const;
    void log(core::LogLevel level, const std::string& text) const;

    const Registry& registry_;
    ViewerInfo info_;
    std::uint32_t frames_in_flight_ = 3;
    SyncMode sync_ = SyncMode::timeline;
    core::Extent2D sim_size_;
    bool match_window_ = false; // simulation size follows each pane
    bool paused_ = false;
    bool step_pending_ = false; // a Step's frame is being produced with steps >= 1
    bool panel_visible_ = true;
    bool copy_path_ = false;
    bool cuda_available_ = false;
    std::string cuda_reasons_;
    std::uint64_t frames_ = 0; // frames shown
    std::optional<core::FrameIndex> screenshot_frame_;
    std::string screenshot_path_;
    std::optional<render::Pixels> screenshot_pixels_;
    ViewerRequests requests_;
    ViewerResult result_;
    Rolling frame_ms_;
    std::string preset_path_ = "cuvk-preset.json";
    std::string message_; // the last thing the viewer did or refused, shown in the panel
    std::map<std::string, std::array<float, 4>> controls_;
    std::array<float, 4> panel_rect_{}; // the panel's window, framebuffer pixels (x, y, w, h)
    bool panel_busy_ = false;           // a popup is open or a widget is held
    std::chrono::steady_clock::time_point last_status_{};
    std::optional<Drag> drag_;
    double cursor_x_ = 0.0, cursor_y_ = 0.0;

    // Creation order, destroyed in reverse: the window outlives the context (its surface is the swapchain's), the
    // targets and the ImGui layer outlive the rings whose submissions use them, the loop dies first.
    std::unique_ptr<render::Window> window_;
    std::unique_ptr<render::Context> ctx_;
    std::unique_ptr<SwapchainTarget> swapchain_;
    std::unique_ptr<OffscreenTarget> offscreen_;
    std::unique_ptr<CopyThroughTarget> copy_through_; // headless --copy-path
    std::unique_ptr<render::ImGuiLayer> imgui_;
    std::unique_ptr<OverlayTarget> overlay_;
    std::unique_ptr<Recorder> recorder_;
    std::vector<PaneState> panes_;
    std::unique_ptr<FrameLoop> loop_;
};

} // namespace cuvk::engine
