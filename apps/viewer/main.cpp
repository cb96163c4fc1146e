// cuvk-viewer — CUDA simulations drawn live by Vulkan, steered from a Dear ImGui panel; up to four at once.
//   cuvk-viewer                                        # gray-scott in a window
//   cuvk-viewer --sample fluid --sample waves          # two panes, each its own ring and CUDA stream
//   cuvk-viewer --headless --frames 1000 --backend interop --screenshot out.png   # no display needed
//   cuvk-viewer --preset mine.json --record run.mp4
//   cuvk-viewer --kernel mine.cu --kernel-dir examples/kernels   # a live kernel, the examples in the panel's list
// Exit codes: 0 success, 1 runtime failure (also: no display, validation messages with --validation), 2 usage
// error, 130 / 143 stopped by SIGINT / SIGTERM. Every failure is one line on stderr; --verbose adds the source
// location.

#include "../common/app_common.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/core/text.hpp"
#include "cuvk/engine/registry.hpp"
#include "cuvk/engine/viewer.hpp"

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>

namespace {

constexpr const char* kApp = "cuvk-viewer";

void print_error(const std::string& text) {
    cuvk::apps::print_error(kApp, text);
}

} // namespace

int main(int argc, char** argv) {
    using namespace cuvk;
    CLI::App app{"cuvk-viewer: CUDA simulates straight into what Vulkan shows, steered from an ImGui panel"};
    app.footer("Keys and mouse:\n" + engine::viewer_controls());
    std::vector<std::string> samples, sets;
    std::string backend = "auto", sync = "timeline", size = "1600x900", sim_size, preset, device;
    engine::ViewerInfo info;
    std::uint32_t frames_in_flight = 3, seed = 1, steps = 1;
    int cuda_device = -1;
    bool verbose = false, list = false;
    app.add_option("--sample", samples, "a simulation to show (repeat for up to four panes; default gray-scott)");
    apps::KernelOptions kernels;
    apps::add_kernel_options(app, kernels);
    app.add_option("--set", sets, "name=value: a parameter of the panes that declare it (repeatable)");
    app.add_option("--backend", backend, "auto | interop | staging | cpu (every pane)")->capture_default_str();
    app.add_option("--frames-in-flight", frames_in_flight, "ring slots, 1..8")->capture_default_str();
    auto* sync_option = app.add_option("--sync", sync, "timeline | binary (interop)")->capture_default_str();
    app.add_option("--seed", seed, "seed of every pane")->capture_default_str();
    app.add_option("--steps", steps, "simulation steps per frame (0: start paused)")->capture_default_str();
    app.add_option("--size", size, "window (or headless image) size WIDTHxHEIGHT")->capture_default_str();
    app.add_option("--sim-size", sim_size, "simulation size WIDTHxHEIGHT (default: the pane's size at start)");
    app.add_option("--frames", info.frames, "stop after N frames (default: run until closed)");
    app.add_option("--screenshot", info.screenshot, "PNG of the last frame, panel included (also the P key)");
    app.add_option("--record", info.record, "video of every frame (ffmpeg; without it, a PNG sequence)");
    app.add_option("--preset", preset, "start from a preset (JSON, saved from the panel)");
    app.add_option("--status", info.status, "keep a JSON file describing the state up to date (for scripts)");
    app.add_flag("--headless", info.headless, "no window: draw into an offscreen image, panel included");
    app.add_option("--device", device, "Vulkan device: index, UUID or name (default: the best)");
    auto* cuda_option =
        app.add_option("--cuda-device", cuda_device, "CUDA ordinal of the display GPU")->check(CLI::Range(0, 1023));
    app.add_option("--present-mode", info.present_mode, "fifo | mailbox | immediate")->capture_default_str();
    app.add_flag("--copy-path", info.copy_path, "composite offscreen and copy into the swapchain (to measure it)");
    app.add_flag("--hide-panel", info.hide_panel, "start with the panel hidden (H shows it)");
    app.add_flag("--fullscreen", info.fullscreen, "start fullscreen");
    app.add_flag("--validation", info.validation, "enable the Khronos validation layer (its messages fail the run)");
    app.add_flag("--verbose", verbose, "errors with their source location");
    auto* list_flag = app.add_flag("--list", list, "list the simulations and their parameters");
    if (const auto status = apps::parse_command_line(app, list_flag, argc, argv, kApp))
        return *status;
    try {
        auto registry = engine::Registry::with_builtins();
        const auto kernel_names = apps::add_kernels(registry, kernels, true);
        if (list) {
            std::fputs(registry.describe().c_str(), stdout);
            return 0;
        }
        if (!preset.empty())
            info.preset = engine::load_preset(registry, preset);
        if (samples.empty() && preset.empty())
            samples = kernel_names.files; // --kernel alone: a pane per kernel (--kernel-dir's are listed only)
        if (samples.size() > 4)
            core::fail_usage("--sample and --kernel: at most four panes, not " + std::to_string(samples.size()));
        if (!samples.empty()) {
            info.preset.panes.clear();
            for (const auto& s : samples)
                info.preset.panes.push_back({.sample = registry.desc(s).name});
        }
        if (info.preset.panes.empty())
            info.preset.panes.push_back({});
        const bool preset_given = !preset.empty();
        for (auto& pane : info.preset.panes) {
            if (!preset_given || app.count("--backend"))
                pane.backend = engine::parse_backend(backend);
            if (!preset_given || app.count("--seed"))
                pane.seed = seed;
            if (!preset_given || app.count("--steps"))
                pane.steps = steps;
            pane.sets = sets;
        }
        if (!preset_given || app.count("--frames-in-flight"))
            info.preset.frames_in_flight = frames_in_flight;
        if (sync_option->count() > 0)
            info.preset.sync = engine::parse_sync(sync);
        info.window = core::parse_extent(size);
        if (!sim_size.empty())
            info.sim_size = core::parse_extent(sim_size);
        info.device = device;
        if (cuda_option->count() > 0)
            info.cuda_device = cuda_device;
        info.log = [verbose](core::LogLevel level, std::string_view message) {
            if (verbose || level != core::LogLevel::debug)
                core::log_to_stderr(level, core::escape_control(message));
        };
        info.stop = &apps::stop_requested;
        apps::install_stop_handlers();
        const auto result = engine::run_viewer(registry, info);
        std::printf("cuvk-viewer: %llu frames in %.1f s (%.1f fps, %.1f after start-up) on %s\n",
                    static_cast<unsigned long long>(result.frames), result.seconds,
                    result.seconds > 0 ? double(result.frames) / result.seconds : 0.0, result.steady_fps,
                    result.device.c_str());
        for (const auto& w : result.written)
            std::printf("cuvk-viewer: wrote %s\n", core::quote(w).c_str());
        if (result.cuda_recoveries > 0)
            std::printf("cuvk-viewer: recovered from %llu CUDA fault(s)\n",
                        static_cast<unsigned long long>(result.cuda_recoveries));
        if (info.validation && result.validation_messages != 0) {
            print_error("the validation layer reported " + std::to_string(result.validation_messages) + " message(s)");
            return 1;
        }
        if (apps::stop_requested.load()) {
            print_error(std::string(apps::stop_name()) + ": stopped");
            return apps::stop_status();
        }
        return 0;
    } catch (const core::Error& e) {
        return apps::report(e, verbose, kApp);
    } catch (const std::exception& e) {
        print_error(e.what());
        return 1;
    }
}
