// cuvk-stress — qualifies a driver, a GPU or a change to cuvk's synchronisation: a conformance matrix of exported
// memory and semaphores, bad inputs that must be refused, export/import churn with fds and memory checked flat, error
// injection (every checked Vulkan and CUDA call of a whole setup, run and teardown made to fail in turn), then
// randomised schedules of CUDA producers and Vulkan consumers with every frame verified on the GPU.
//   cuvk-stress --quick                                  # a minute's smoke run
//   cuvk-stress --duration 600 --report stress.json       # the qualification run
//   cuvk-stress --seed 1234 --only stress                 # repeat a failing schedule (the seed is in every report)
// Prints one summary line. Exit codes: 0 clean; 1 a torn, stale or corrupt frame, a conformance failure, a leak, a
// fault not refused, or a runtime failure; 2 usage error; 3 a hang (no progress for --hang-timeout seconds: the report
// names the phase, the frame each side reached, the semaphores' values and the seed); 130 / 143 stopped by SIGINT /
// SIGTERM (the summary of what ran is still printed).

#include "../common/app_common.hpp"
#include "cuvk/core/atomic_file.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/engine/stress_tool.hpp"
#include "cuvk/interop/conformance.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace {

constexpr const char* kApp = "cuvk-stress";

std::string own_path() {
    char path[4096];
    const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
    return n > 0 ? std::string(path, std::size_t(n)) : std::string();
}

} // namespace

int main(int argc, char** argv) {
    using namespace cuvk;
    CLI::App app{"cuvk-stress: conformance, faults, churn and randomised CUDA/Vulkan schedules, every frame verified"};
    engine::StressToolOptions options;
    options.seed = std::uint64_t(std::chrono::system_clock::now().time_since_epoch().count()) % 1'000'000'007u;
    double duration = 0, hang_timeout = 30;
    std::string report_path;
    std::vector<std::string> only;
    bool verbose = false;
    int import_child = -1;
    app.add_option("--seed", options.seed, "seed of the schedules (default: from the clock; always printed)");
    auto* iterations = app.add_option("--iterations", options.iterations, "schedules to run")->capture_default_str();
    auto* duration_option = app.add_option("--duration", duration, "run schedules for this many seconds instead")
                                ->check(CLI::PositiveNumber)
                                ->excludes(iterations);
    app.add_flag("--quick", options.quick, "small schedules and a short churn (a smoke run)");
    bool rgba8_only = false;
    app.add_flag(
        "--rgba8-only", rgba8_only,
        "schedules share RGBA8 images and buffers only (default: BGRA8, RGBA16F, RGBA32F and R32F images too)");
    app.add_option("--lanes", options.lanes,
                   "phases run side by side, sharing the queues and the GPU as several rings of one app do")
        ->check(CLI::Range(1, 4))
        ->capture_default_str();
    app.add_option("--device", options.device, "Vulkan device: index, UUID or name (default: the best)");
    app.add_option("--report", report_path, "write the full report as JSON to FILE");
    app.add_option("--hang-timeout", hang_timeout, "seconds without progress that count as a hang (exit 3)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--churn-cycles", options.churn_cycles, "export/import/destroy cycles")->capture_default_str();
    app.add_option("--resizes", options.resizes, "resizes of a running ring (its shared slots re-created each time)")
        ->capture_default_str();
    app.add_option("--only", only, "run only these parts: conformance, faults, churn, injection, stress")
        ->check(CLI::IsMember({"conformance", "faults", "churn", "injection", "stress"}));
    app.add_option("--injection-stride", options.injection_stride,
                   "error injection fails every K-th checked call of its workload in turn (--quick: at least 8)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_flag("--validation", options.validation, "Khronos validation with synchronization checks (messages fail)");
    app.add_flag("--drop-wait", options.drop_wait,
                 "a deliberate fault: Vulkan's check does not wait for CUDA (must be reported as torn or stale)");
    app.add_flag("--withhold-signal", options.withhold_signal,
                 "a deliberate hang: CUDA waits for a value nobody signals (must end in exit 3 naming it)");
    app.add_flag("--verbose", verbose, "every phase's result and the full matrices as they complete");
    app.add_option("--import-child", import_child, "internal: the second process of the Unix-socket check")->group("");
    if (const auto status = apps::parse_command_line(app, nullptr, argc, argv, kApp))
        return *status;
    if (import_child >= 0)
        return interop::serve_import_child(import_child);
    try {
        if (duration_option->count() > 0)
            options.duration = std::chrono::milliseconds(std::int64_t(duration * 1000));
        options.hang_timeout = std::chrono::milliseconds(std::int64_t(hang_timeout * 1000));
        options.all_formats = !rgba8_only;
        if (!only.empty()) {
            auto has = [&](const char* part) { return std::find(only.begin(), only.end(), part) != only.end(); };
            options.conformance = has("conformance");
            options.faults = has("faults");
            options.churn = has("churn");
            options.injection = has("injection");
            options.stress = has("stress");
        }
        options.child_command = own_path();
        options.stop = [] { return apps::stop_requested.load(); };
        options.on_hang = [](const std::string& report) {
            // The working thread is stuck in the driver: report from here and end the process (the app's call).
            apps::print_error(kApp, "HANG: " + report);
            std::fflush(stderr);
            std::_Exit(3);
        };
        options.log = [verbose](const std::string& line) {
            // Quiet: only a phase that found a fault (with its schedule); --verbose: everything.
            if (verbose || (line.rfind("phase", 0) == 0 && line.find("schedule:") != std::string::npos))
                std::fprintf(stderr, "%s\n", line.c_str());
        };
        apps::install_stop_handlers();
        std::printf("cuvk-stress: seed %llu\n", static_cast<unsigned long long>(options.seed));
        std::fflush(stdout);
        const auto report = engine::run_stress_tool(options);
        if (!report_path.empty()) {
            core::AtomicFile file(report_path);
            file.write(report.json());
            file.commit();
        }
        std::printf("cuvk-stress: %s\n", report.summary().c_str());
        if (!report.clean()) {
            for (const auto& c : report.conformance.checks)
                if (c.outcome == interop::Conformance::failed)
                    apps::print_error(kApp, "conformance failed: " + c.name + ": " + c.detail);
            for (const auto& f : report.faults.checks)
                if (!f.ok())
                    apps::print_error(kApp, "fault not refused: " + f.name + ": " + f.message);
            if (!report.totals.verify.clean())
                for (const auto& s : report.schedules)
                    std::fprintf(stderr, "schedule:\n%s", s.c_str());
        }
        if (report.stopped)
            return apps::stop_status();
        return report.clean() ? 0 : 1;
    } catch (const core::Error& e) {
        return apps::report(e, verbose, kApp);
    } catch (const std::exception& e) {
        apps::print_error(kApp, e.what());
        return 1;
    }
}
