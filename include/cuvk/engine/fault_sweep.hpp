#pragma once
// cuvk::engine::run_fault_sweep — error injection over a whole use of cuvk (cuvk-stress; core::FaultInjection): the
// workload runs once clean to count its checked Vulkan and CUDA calls, then once per injected call N (1, 1 + stride,
// ...), each time with the N-th call failing. Every run must end in one core::Error (or have the failure handled and
// reported inside, as a conformance check does) with nothing left behind: device memory as before, open fds back where
// they were before it by the end of the sweep (drivers may close per-process state a run opened in a later run), no
// validation message (the workload's contexts run the Khronos layer, whose object tracker names every Vulkan object
// still alive when its device is destroyed). A hang in unwinding is caught by the caller's watchdog.
// Needs: FaultInjection::available(). Throws core::Error when the clean run fails.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cuvk::engine {

// One complete use of cuvk — setup, run, teardown — in contexts of its own. Appends to `messages` what only it can see
// (the validation messages of its contexts, also those said while they are destroyed by an unwinding error); throws
// core::Error when a call fails.
using SweepWorkload = std::function<void(std::vector<std::string>& messages)>;

struct FaultSweepInfo {
    SweepWorkload workload;
    std::uint64_t stride = 1; // inject at calls 1, 1 + stride, 1 + 2 stride, ...
    // Bytes in use on the device (cuvk-stress: cudaMemGetInfo, which counts every process on the GPU: run nothing
    // else there meanwhile), or empty.
    std::function<std::int64_t()> device_memory;
    std::function<bool()> stop;
    std::function<void(const char* step)> progress; // for a Watchdog
};

struct FaultSweepResult {
    std::uint64_t calls = 0;           // checked calls in the clean run
    std::uint64_t injected = 0;        // runs with one failure injected
    std::uint64_t errors = 0;          // of those, ended by a core::Error
    std::uint64_t handled = 0;         // of those, the failure was handled inside the workload
    std::vector<std::string> problems; // "call N (error text): what was left behind or went wrong"
    bool clean() const { return problems.empty(); }
    std::string describe() const;
};

FaultSweepResult run_fault_sweep(const FaultSweepInfo& info);

// The workload cuvk-stress sweeps: a context pair with validation; a buffer and an image exported and imported (into
// the second device); a FrameVerifier check; with `cuda`, the same shared into CUDA and a short stress phase (a graph
// producer, the compute queue, fan-in 2). `device` selects the Vulkan device.
SweepWorkload sharing_workload(const std::string& device, bool cuda);

} // namespace cuvk::engine
