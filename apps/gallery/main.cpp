// cuvk-gallery — runs the samples headless and writes <sample>.png, gallery.png (a labelled contact sheet) and
// report.json (per sample: backend, device, frames, fps, mean and p99 of each stage).
//   cuvk-gallery --out out                       # every sample, auto backend (interop when CUDA matches, else cpu)
//   cuvk-gallery --sample fluid --backend staging --size 3840x2160 --frames-in-flight 3
//   cuvk-gallery --check --backend interop       # exit 1 naming every sample beyond its tolerance
// Exit codes: 0 success, 1 runtime failure or a failed --check, 2 usage error, 130 / 143 stopped by SIGINT / SIGTERM
// (only complete files are left). Every failure is one line on stderr; --verbose adds the source location and the
// Vulkan loader's diagnostics. The contract and the bad inputs it is tested with: docs/cli-contract.md.

#include "../common/app_common.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/core/text.hpp"
#include "cuvk/engine/gallery.hpp"
#include "cuvk/engine/registry.hpp"

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <map>

namespace {

constexpr const char* kApp = "cuvk-gallery";

void print_error(const std::string& text) {
    cuvk::apps::print_error(kApp, text);
}

} // namespace

int main(int argc, char** argv) {
    using namespace cuvk;
    CLI::App app{"cuvk-gallery: CUDA simulates straight into Vulkan memory; every sample, headless"};
    std::string backend = "auto", sample = "all", size = "1280x720", out = "out", sync = "timeline", device;
    std::vector<std::string> sets;
    engine::GalleryInfo info;
    bool list = false, verbose = false;
    app.add_option("--backend", backend, "auto | interop | split | staging | cpu")->capture_default_str();
    auto* sample_option = app.add_option("--sample", sample, "a sample name, or all")->capture_default_str();
    apps::KernelOptions kernels;
    apps::add_kernel_options(app, kernels);
    app.add_option("--frames", info.frames, "frames per sample")->capture_default_str();
    app.add_option("--size", size, "output size WIDTHxHEIGHT")->capture_default_str();
    app.add_option("--frames-in-flight", info.frames_in_flight, "ring slots, 1..8")->capture_default_str();
    auto* sync_option =
        app.add_option("--sync", sync, "timeline | binary (interop and split semaphores)")->capture_default_str();
    app.add_option("--set", sets, "name=value: a sample parameter (repeatable)");
    app.add_option("--batch", info.batch, "frames CUDA runs ahead per Vulkan submission")->capture_default_str();
    app.add_option("--particles", info.points, "draw particles by the rasteriser or by a compute splat")
        ->transform(CLI::CheckedTransformer(std::map<std::string, engine::PointsPath>{
            {"raster", engine::PointsPath::raster}, {"splat", engine::PointsPath::splat}}))
        ->capture_default_str();
    app.add_option("--out", out, "output directory")->capture_default_str();
    app.add_option("--png-every", info.png_every, "also write every K-th frame (0: never)")->capture_default_str();
    app.add_option("--seed", info.seed, "seed of every sample")->capture_default_str();
    app.add_option("--device", device, "Vulkan device: index, UUID or name (default: the best)");
    int cuda_device = -1, sim_device = -1;
    auto* cuda_option = app.add_option("--cuda-device", cuda_device,
                                       "CUDA ordinal of the display GPU (default: the one with the Vulkan device's "
                                       "UUID; a different GPU is refused); CUDA backends only")
                            ->check(CLI::Range(0, 1023));
    auto* sim_option =
        app.add_option("--sim-device", sim_device, "split backend: CUDA ordinal that simulates (default: another GPU)")
            ->check(CLI::Range(0, 1023));
    app.add_flag("--check", info.check, "compare each sample with its CPU reference; exit 1 naming those that differ");
    app.add_flag("--validation", info.validation, "enable the Khronos validation layer (its messages fail the run)");
    app.add_flag("--verbose", verbose, "errors with their source location, and the Vulkan loader's diagnostics");
    auto* list_flag = app.add_flag("--list", list, "list the samples with their descriptions and parameters");
    if (const auto status = apps::parse_command_line(app, list_flag, argc, argv, kApp))
        return *status;
    try {
        auto registry = engine::Registry::with_builtins();
        const auto kernel_names = apps::add_kernels(registry, kernels, false);
        if (list) {
            std::fputs(registry.describe().c_str(), stdout);
            return 0;
        }
        info.backend = engine::parse_backend(backend);
        if (sync_option->count() > 0)
            info.sync = engine::parse_sync(sync);
        info.extent = core::parse_extent(size);
        if (sample != "all")
            info.samples = {registry.desc(sample).name};
        else if (sample_option->count() == 0 && !(kernel_names.files.empty() && kernel_names.listed.empty())) {
            info.samples = kernel_names.files; // --kernel or --kernel-dir alone: run those
            info.samples.insert(info.samples.end(), kernel_names.listed.begin(), kernel_names.listed.end());
        }
        info.sets = sets;
        info.out_dir = out;
        info.device = device;
        if (cuda_option->count() > 0)
            info.cuda_device = cuda_device;
        if (sim_option->count() > 0)
            info.sim_device = sim_device;
        info.log = [verbose](core::LogLevel level, std::string_view message) {
            if (verbose || level != core::LogLevel::debug)
                core::log_to_stderr(level, core::escape_control(message));
        };
        info.stop = &apps::stop_requested;
        apps::install_stop_handlers();
        const auto result = engine::run_gallery(registry, info);
        std::printf("cuvk-gallery: backend %s%s%s%s on %s\n", engine::to_string(result.backend),
                    result.backend_reason.empty() ? "" : " (", result.backend_reason.c_str(),
                    result.backend_reason.empty() ? "" : ")", result.device.c_str());
        for (const auto& s : result.samples) {
            std::printf("  %-11s %8.1f fps  sim %.3f ms  draw %.3f ms  host %.3f ms%s%s\n", s.name.c_str(), s.run.fps,
                        s.run.simulation.mean_ms, s.run.draw.mean_ms, s.run.host_frame.mean_ms,
                        s.check ? (s.check->passed ? "  check ok" : "  CHECK FAILED: ") : "",
                        s.check && !s.check->passed ? s.check->message.c_str() : "");
        }
        if (!result.samples.empty() && !result.samples.front().run.backend_note.empty())
            std::printf("  (%s)\n", result.samples.front().run.backend_note.c_str());
        std::printf("cuvk-gallery: wrote %s and %s\n", core::quote(result.sheet_path).c_str(),
                    core::quote(result.report_path).c_str());
        if (info.validation && result.validation_messages != 0) {
            print_error("the validation layer reported " + std::to_string(result.validation_messages) + " message(s)");
            return 1;
        }
        if (!result.failed_checks.empty()) {
            std::string names;
            for (const auto& n : result.failed_checks)
                names += (names.empty() ? "" : ", ") + n;
            print_error("differs from the CPU reference beyond tolerance: " + names);
            return 1;
        }
        return 0;
    } catch (const core::Error& e) {
        if (e.is_interrupted()) {
            print_error(std::string(apps::stop_name()) + ": " + e.message());
            return apps::stop_status();
        }
        return apps::report(e, verbose, kApp);
    } catch (const std::exception& e) {
        print_error(e.what());
        return 1;
    }
}
