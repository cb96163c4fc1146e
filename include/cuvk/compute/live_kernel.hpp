#pragma once
// cuvk::compute::LiveKernel — a simulation whose step is a CUDA C++ source compiled at run time (NVRTC) and loaded
// through the driver API, edited while it runs: the source's annotations (kernel_source.hpp) declare its output,
// parameters, launch shape and state; a changed file (or a source handed to submit_source, the panel's editor) is
// compiled on a thread of its own and the new kernel is swapped in between two frames, only when it compiled; until
// then, and after a failed compile, the last good kernel keeps running. A kernel that faults (a trap, an illegal
// address) costs CUDA's context; after the engine resets it (engine::recover_from_cuda_fault) the last kernel known
// to have finished a frame runs again, reloaded from its CUBIN, its state starting over.
//
// Reloads keep the declarations: a source whose parameters, output format or state differ from the running one's is
// refused with a message (restart with it to apply), since the ring's outputs and the panel are built from them.
// Owns: the compile thread (joined on destruction), the loaded kernels (the one running, and those it replaced until
// the stream has passed their last launch), the state buffers (stream-ordered on the ring's stream).
// Needs: a CUDA build and a device the runtime has current when start() and step() run (the ring's thread).
// Throws core::Error: a usage error for a source whose annotations are malformed or that does not compile at start()
// (every error with its line); a runtime error when NVRTC or the driver fail; without CUDA, make_live_kernel throws.

#include "cuvk/compute/kernel_compiler.hpp"
#include "cuvk/compute/simulation.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace cuvk::compute {

struct LiveKernelInfo {
    std::filesystem::path file;   // the source file; read at once (its annotations give the simulation's desc)
    bool watch = true;            // recompile when the file changes (checked every `poll_ms`)
    std::uint32_t poll_ms = 50;   // how often the file's time and size are looked at
    KernelCompileOptions options; // arch: empty takes the device's ("sm_" major minor) at start()
    std::string name;             // the simulation's name; empty: "live-" + the file's stem
};

struct LiveKernelStatus {
    std::uint64_t generation = 0;     // kernels swapped in so far (1 once the first one runs)
    bool compiling = false;           // a compile is running now
    std::uint64_t compiles = 0;       // compiles finished by the compile thread (good or not)
    std::vector<CompileError> errors; // the last compile's errors (empty when it succeeded)
    std::string failed_source;        // the source those errors are about (to quote the failing line)
    std::string message;              // one line about the last event ("compiled in 84 ms", "line 12: ...")
    double compile_ms = 0.0;          // the last compile
    double reload_ms = 0.0;           // the last swap: from the change being seen to the first launch of the new kernel
    std::uint64_t swapped_at_frame = 0; // the frame whose step first launched the newest kernel
    // CUDA faults (Simulation::on_cuda_lost). A kernel is known good once a frame it launched has finished. The one
    // running when the context faulted is blamed unless it is known good and this is its first fault (another pane's
    // kernel may have caused it); blamed, it is replaced by the last good kernel, or held when there is none.
    std::uint64_t faults = 0; // contexts lost while this kernel ran
    std::string fault;        // the last one: the error and what was done about it
    bool held = false;        // the blamed kernel had no good one before it: nothing runs until a new one compiles
};

class LiveKernel : public Simulation {
public:
    // Compiles `text` (the editor's source, named "<editor>" in messages) off the frame loop, as a file change would.
    virtual void submit_source(std::string text) = 0;
    // The source of the kernel running now.
    virtual std::string source_text() const = 0;
    // Safe from any thread.
    virtual LiveKernelStatus status() const = 0;
};

std::unique_ptr<LiveKernel> make_live_kernel(const LiveKernelInfo& info);

} // namespace cuvk::compute
