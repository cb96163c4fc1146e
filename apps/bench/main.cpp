// cuvk-bench: the engine's frame rate, per stage, for samples x sizes x backends x modes, each repeated; writes
// bench.json, bench.md and plots under --out. Exit 0 when it ran, 1 on a failure, 2 on a usage error.

#include "../common/app_common.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/core/text.hpp"
#include "cuvk/engine/bench.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>

namespace {
constexpr const char* kApp = "cuvk-bench";
}

int main(int argc, char** argv) {
    using namespace cuvk;
    CLI::App app{"cuvk-bench: frames per second and per-stage times of the samples through each backend"};
    engine::BenchOptions options;
    bool quick = false;
    std::string out_dir = "bench-out";
    std::vector<std::string> sizes, backends;
    app.add_flag("--quick", quick, "the cpu backend at 320x180 and 640x360, 32 frames, 2 repetitions (CI, lavapipe)");
    app.add_option("--sample", options.samples, "samples to run (default: fill gray-scott fluid)");
    app.add_option("--size", sizes, "sizes WxH (default: 1280x720 1920x1080 3840x2160 7680x4320)");
    app.add_option("--backend", backends,
                   "backends: interop, staging, gl (CUDA-OpenGL over headless EGL), cpu (default: interop staging gl)")
        ->check(CLI::IsMember({"interop", "staging", "gl", "cpu"}));
    app.add_option("--frames", options.frames, "frames per run (a quarter, at most 2N, is warm-up)")
        ->capture_default_str();
    app.add_option("--repetitions", options.repetitions, "runs per configuration")->capture_default_str();
    bool no_ring = false;
    std::string ring_size;
    app.add_flag("--no-ring", no_ring, "skip the sweep of frames in flight (fill, N = 1..8, batches of 1 and N)");
    app.add_option("--ring-size", ring_size, "size of that sweep (default: 1920x1080; --quick: 320x180)");
    std::string host_wait;
    app.add_option("--host-wait", host_wait, "how the engine's host waits for its fences: block (default) or spin");
    std::string upload_queue;
    app.add_option(
        "--upload-queue", upload_queue,
        "where staging uploads: transfer (the copy engines, where the device has them; default) or universal");
    std::vector<std::string> points;
    app.add_option("--points", points, "how point outputs (particles) are drawn: raster, splat (default: both)");
    bool no_micro = false, micro_only = false;
    app.add_flag("--no-micro", no_micro, "skip the micro-benchmarks (bandwidth, PCIe, context switch, handoff, waits)");
    app.add_flag("--micro-only", micro_only, "only the micro-benchmarks")->excludes("--no-micro");
    std::vector<std::string> micro_groups;
    app.add_option("--micro-group", micro_groups,
                   "only these micro-benchmark groups: bandwidth pcie switch handoff graph wait resources oneway");
    app.add_option("--out", out_dir, "directory for bench.json, bench.md and fps-<sample>.png")->capture_default_str();
    app.add_option("--device", options.device, "Vulkan device: index, UUID or name (default: the best)");
    app.add_flag("--validation", options.validation, "the Khronos validation layer (slow; for checking, not timing)");
    if (const auto status = apps::parse_command_line(app, nullptr, argc, argv, kApp))
        return *status;
    try {
        if (quick) {
            const auto q = engine::quick_bench_options();
            if (sizes.empty())
                options.sizes = q.sizes;
            if (backends.empty())
                options.backends = q.backends;
            if (app.count("--frames") == 0)
                options.frames = q.frames;
            if (app.count("--repetitions") == 0)
                options.repetitions = q.repetitions;
            if (app.count("--ring-size") == 0)
                options.ring_size = q.ring_size;
            options.micro_options = q.micro_options;
        }
        if (!points.empty()) {
            options.points.clear();
            for (const auto& p : points) {
                if (p != "raster" && p != "splat")
                    core::fail_usage("--points " + p + ": choose raster or splat");
                options.points.push_back(p == "raster" ? engine::PointsPath::raster : engine::PointsPath::splat);
            }
        }
        if (!host_wait.empty()) {
            if (host_wait != "block" && host_wait != "spin")
                core::fail_usage("--host-wait " + host_wait + ": choose block or spin");
            options.host_wait = host_wait == "spin" ? render::HostWait::spin : render::HostWait::block;
        }
        if (!upload_queue.empty()) {
            if (upload_queue != "transfer" && upload_queue != "universal")
                core::fail_usage("--upload-queue " + upload_queue + ": choose transfer or universal");
            options.transfer_queue = upload_queue == "transfer";
        }
        options.micro_options.groups = micro_groups;
        options.micro = !no_micro;
        if (micro_only)
            options.samples.clear();
        if (!sizes.empty()) {
            options.sizes.clear();
            for (const auto& s : sizes)
                options.sizes.push_back(core::parse_extent(s));
        }
        if (!backends.empty()) {
            options.backends.clear();
            for (const auto& b : backends)
                options.backends.push_back(engine::parse_backend(b));
        }
        options.ring = !no_ring;
        if (!ring_size.empty())
            options.ring_size = core::parse_extent(ring_size);
        engine::check_bench_output(out_dir);
        options.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
        apps::install_stop_handlers();
        options.stop = &apps::stop_requested;
        const auto report = engine::run_bench(options);
        engine::write_bench_outputs(report, out_dir);
        std::printf("%s", report.markdown().c_str());
        std::printf("cuvk-bench: wrote %s/bench.json, bench.md and the plots%s\n", out_dir.c_str(),
                    report.stopped ? " (stopped early: what ran)" : "");
        if (report.failures() > 0) {
            apps::print_error(kApp, std::to_string(report.failures()) +
                                        " configuration(s) failed while running; bench.json says how");
            return 1;
        }
        return report.stopped ? apps::stop_status() : 0;
    } catch (const core::Error& e) {
        return apps::report(e, false, kApp);
    } catch (const std::exception& e) {
        apps::print_error(kApp, e.what());
        return 1;
    }
}
