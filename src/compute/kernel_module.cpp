#include "kernel_module.hpp"

#include "cuvk/compute/check.hpp"

#include <cuda.h> // the driver API's types only: its functions come through the runtime's entry points

namespace cuvk::compute {
namespace {

using LibraryLoadData = CUresult (*)(CUlibrary*, const void*, CUjit_option*, void**, unsigned, CUlibraryOption*, void**,
                                     unsigned);
using LibraryGetKernel = CUresult (*)(CUkernel*, CUlibrary, const char*);
using LibraryUnload = CUresult (*)(CUlibrary);
using LaunchKernel = CUresult (*)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                                  CUstream, void**, void**);
using GetErrorName = CUresult (*)(CUresult, const char**);

template <class Fn> Fn entry_point(const char* symbol) {
    void* fn = nullptr;
    cudaDriverEntryPointQueryResult found{};
    CUVK_CUDA(cudaGetDriverEntryPointByVersion(symbol, &fn, 12000, cudaEnableDefault, &found), symbol);
    if (found != cudaDriverEntryPointSuccess || !fn)
        core::fail(std::string("the CUDA driver does not offer ") + symbol + " (a driver for CUDA 12.0 or newer)",
                   symbol);
    return reinterpret_cast<Fn>(fn);
}

} // namespace

struct KernelModule::State {
    LibraryUnload unload = nullptr;
    LaunchKernel launch = nullptr;
    GetErrorName error_name = nullptr;
    CUlibrary library = nullptr;
    CUkernel kernel = nullptr;
    std::string name;

    void check(CUresult result, const char* call, const std::string& what) const {
        if (result == CUDA_SUCCESS)
            return;
        const char* text = nullptr;
        if (!error_name || error_name(result, &text) != CUDA_SUCCESS || !text)
            text = "CUDA_ERROR_UNKNOWN";
        throw core::Error({.api = core::Api::cuda, .call = call, .result = text, .what = what, .object = name});
    }
    ~State() {
        if (library)
            (void)unload(library);
    }
};

KernelModule::KernelModule(const std::vector<char>& cubin, const std::string& kernel, const std::string& name)
    : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.name = name;
    const auto load = entry_point<LibraryLoadData>("cuLibraryLoadData");
    const auto get_kernel = entry_point<LibraryGetKernel>("cuLibraryGetKernel");
    s.unload = entry_point<LibraryUnload>("cuLibraryUnload");
    s.launch = entry_point<LaunchKernel>("cuLaunchKernel");
    s.error_name = entry_point<GetErrorName>("cuGetErrorName");
    s.check(load(&s.library, cubin.data(), nullptr, nullptr, 0, nullptr, nullptr, 0), "cuLibraryLoadData",
            "loading the compiled kernel");
    s.check(get_kernel(&s.kernel, s.library, kernel.c_str()), "cuLibraryGetKernel",
            "finding extern \"C\" " + kernel + " in the compiled code");
}

KernelModule::KernelModule(KernelModule&&) noexcept = default;
KernelModule& KernelModule::operator=(KernelModule&&) noexcept = default;
KernelModule::~KernelModule() = default;

void KernelModule::launch(unsigned gx, unsigned gy, unsigned bx, unsigned by, void** args, CudaStream stream) const {
    const State& s = *state_;
    s.check(s.launch(reinterpret_cast<CUfunction>(s.kernel), gx, gy, 1, bx, by, 1, 0,
                     reinterpret_cast<CUstream>(stream), args, nullptr),
            "cuLaunchKernel", "launching the live kernel");
}

} // namespace cuvk::compute
