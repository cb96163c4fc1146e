#pragma once
// cuvk::compute::KernelModule — a CUBIN loaded through the CUDA driver API, beside the runtime, and the one kernel
// launched from it (live kernels, live_kernel.hpp). This is the one place where cuvk uses both APIs, so their rules
// are stated here:
//  * the driver's entry points come from the runtime (cudaGetDriverEntryPointByVersion): nothing links libcuda, and
//    the functions are those of the driver the runtime itself uses;
//  * cuLibraryLoadData makes a context-independent library: its kernel is loaded into a context on first use there.
//    launch() calls cuLaunchKernel with the CUkernel cast to a CUfunction, which the driver resolves in the calling
//    thread's current context — the runtime's primary context of the device the runtime has current (the one that
//    owns the ring's stream and the imported memory). The caller keeps that device current (the ring does);
//  * a cudaStream_t is a CUstream, so the launch is ordered with the runtime's work on that stream;
//  * an error of either API is reported by that API only, except sticky ones (a trap, an illegal address), which
//    break the context for both until it is reset.
// Owns: the CUlibrary (unloaded on destruction: the caller makes sure no launch of it is still pending on the GPU).
// Throws core::Error (Api::cuda, the CUresult by name) when the driver refuses.

#include "cuvk/compute/simulation.hpp"

#include <memory>
#include <string>
#include <vector>

namespace cuvk::compute {

class KernelModule {
public:
    // Loads `cubin` and finds `kernel` (an extern "C" function) in it; `name` is for messages.
    KernelModule(const std::vector<char>& cubin, const std::string& kernel, const std::string& name);
    KernelModule(KernelModule&&) noexcept;
    KernelModule& operator=(KernelModule&&) noexcept;
    ~KernelModule();

    // Enqueues one launch of grid (gx, gy) of blocks (bx, by) on `stream`; `args` point at each parameter's value.
    void launch(unsigned gx, unsigned gy, unsigned bx, unsigned by, void** args, CudaStream stream) const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace cuvk::compute
