#pragma once
// cuvk::engine::run_stress_tool — what cuvk-stress does, for the app and for tests: a conformance matrix run once
// (interop::run_vulkan_conformance and, with CUDA, run_cuda_conformance), bad inputs answered by errors
// (interop::run_fault_checks), lifecycle churn with resources checked flat (interop::run_churn), error injection over
// a whole setup, run and teardown (run_fault_sweep, where fault injection is built in), then randomised
// schedules (make_schedule from the seed, seed + 1, ...) run through a StressRunner for a number of iterations or a
// duration, every frame verified on the GPU. Returns a StressReport: its JSON and one summary line, and whether the
// run was clean; a hang is reported through StressToolOptions::on_hang (the tool never exits the process).
// Needs: a device that Vulkan (and for the stress phases, CUDA) can use. Throws core::Error for failures outside the
// checks (no device, a lost device); a usage error for bad options.

#include "cuvk/engine/fault_sweep.hpp"
#include "cuvk/engine/resize_storm.hpp"
#include "cuvk/engine/stress_runner.hpp"
#include "cuvk/engine/stress_schedule.hpp"
#include "cuvk/interop/churn.hpp"
#include "cuvk/interop/conformance.hpp"
#include "cuvk/interop/faults.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cuvk::engine {

struct StressToolOptions {
    std::uint64_t seed = 1;
    std::uint32_t iterations = 1;                      // schedules to run (each draws limits.phases phases)
    std::optional<std::chrono::milliseconds> duration; // instead: draw schedules until this much time has passed
    bool quick = false;                                // small schedules and a short churn (CI, smoke runs)
    bool all_formats = true;                           // schedules draw every shared image format (StressLimits)
    std::string device;                                // Vulkan device selector (render::select_physical_device)
    bool validation = false;                           // the Khronos validation layer (synchronization too)
    std::chrono::milliseconds hang_timeout{30'000};    // no progress this long is a hang (0 = no watchdog)
    std::uint32_t churn_cycles = 10'000;               // export/import/destroy cycles
    std::uint32_t resizes = 500;                       // resizes of a running ring (quick: 40)
    bool conformance = true, faults = true, churn = true, injection = true, stress = true; // which parts run
    std::uint64_t injection_stride = 1; // error injection at every stride-th call (quick: 8)
    std::uint32_t lanes = 3;            // phases run side by side (StressRunner::run_lanes), 1..4
    bool drop_wait = false;             // faults for the checker's own tests (StressRunInfo)
    bool withhold_signal = false;
    std::string child_command;                              // cuvk-stress's path, for the second-process import check
    std::function<bool()> stop;                             // asked between frames and between parts
    std::function<void(const std::string& report)> on_hang; // the watchdog's report (the app prints it, exits 3)
    std::function<void(const std::string& line)> log;       // progress lines (phases, parts), optional
};

struct StressReport {
    std::uint64_t seed = 0;
    std::string vulkan_device, cuda_device;
    std::vector<std::string> schedules; // StressSchedule::describe() of each schedule run
    std::vector<StressPhaseResult> phases;
    StressTotals totals;
    interop::ConformanceReport conformance;
    interop::FaultReport faults;
    std::optional<interop::ChurnReport> churn;
    std::optional<ResizeStormReport> resize_storm;
    std::optional<FaultSweepResult> injection;
    std::uint64_t validation_messages = 0;
    bool stopped = false; // ended early by `stop`

    std::uint64_t errors_caught() const;
    bool clean() const; // no torn, stale or corrupt frame, no conformance failure, no leak, every fault caught
    std::string json() const;
    // "seed S: P pairs signalled and waited, F frames verified, T torn, S stale, C corrupt; ..." and CLEAN / FAILED.
    std::string summary() const;
};

StressReport run_stress_tool(const StressToolOptions& options);

} // namespace cuvk::engine
