// compile_kernel (kernel_compiler.hpp): NVRTC loaded with dlopen, its entry points looked up once per call (cheap
// beside a compile), errors parsed out of its log by the "name(line): error: text" shape it writes.

#include "cuvk/compute/kernel_compiler.hpp"

#include "cuvk/core/error.hpp"

#include <chrono>
#include <cstdlib>
#include <dlfcn.h>
#include <memory>
#include <nvrtc.h>
#include <regex>

namespace cuvk::compute {
namespace {

struct Unload {
    void operator()(void* h) const noexcept { dlclose(h); }
};
using Library = std::unique_ptr<void, Unload>;

Library load_nvrtc() {
    std::vector<std::string> candidates = {"libnvrtc.so.13"};
    if (const char* home = std::getenv("CUDA_HOME"))
        candidates.push_back(std::string(home) + "/lib64/libnvrtc.so.13");
    candidates.push_back("/usr/local/cuda/lib64/libnvrtc.so.13");
    std::string tried;
    for (const auto& c : candidates) {
        if (void* h = dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL))
            return Library(h);
        tried += (tried.empty() ? "" : ", ") + c;
    }
    core::fail("NVRTC could not be loaded (tried " + tried + "): live kernels need the CUDA toolkit's libnvrtc",
               "nvrtc");
}

template <class F> F entry(void* lib, const char* name) {
    auto* f = reinterpret_cast<F>(dlsym(lib, name));
    if (!f)
        core::fail(std::string("NVRTC lacks ") + name, "nvrtc");
    return f;
}

} // namespace

CompileResult compile_kernel(const KernelSource& source, const KernelCompileOptions& options, const std::string& name) {
    const auto start = std::chrono::steady_clock::now();
    const Library lib = load_nvrtc();
    const auto create = entry<decltype(&nvrtcCreateProgram)>(lib.get(), "nvrtcCreateProgram");
    const auto destroy = entry<decltype(&nvrtcDestroyProgram)>(lib.get(), "nvrtcDestroyProgram");
    const auto compile = entry<decltype(&nvrtcCompileProgram)>(lib.get(), "nvrtcCompileProgram");
    const auto log_size = entry<decltype(&nvrtcGetProgramLogSize)>(lib.get(), "nvrtcGetProgramLogSize");
    const auto get_log = entry<decltype(&nvrtcGetProgramLog)>(lib.get(), "nvrtcGetProgramLog");
    const auto cubin_size = entry<decltype(&nvrtcGetCUBINSize)>(lib.get(), "nvrtcGetCUBINSize");
    const auto get_cubin = entry<decltype(&nvrtcGetCUBIN)>(lib.get(), "nvrtcGetCUBIN");
    const auto error_text = entry<decltype(&nvrtcGetErrorString)>(lib.get(), "nvrtcGetErrorString");
    const auto check = [&](nvrtcResult r, const char* call) {
        if (r != NVRTC_SUCCESS)
            core::fail(std::string(call) + " returned " + error_text(r), name);
    };

    nvrtcProgram program = nullptr;
    check(create(&program, source.text.c_str(), name.c_str(), 0, nullptr, nullptr), "nvrtcCreateProgram");
    struct Destroy { // the program dies with this call, however it ends
        decltype(destroy) fn;
        nvrtcProgram* p;
        ~Destroy() { (void)fn(p); }
    } const destroy_at_end{destroy, &program};

    std::vector<std::string> args = {"--gpu-architecture=" + options.arch, "-std=c++17"};
    if (options.fast_math)
        args.push_back("--use_fast_math");
    for (const auto& d : options.defines)
        args.push_back("-D" + d);
    std::vector<const char*> argv;
    for (const auto& a : args)
        argv.push_back(a.c_str());
    const nvrtcResult compiled = compile(program, int(argv.size()), argv.data());

    CompileResult result;
    std::size_t size = 0;
    check(log_size(program, &size), "nvrtcGetProgramLogSize");
    result.log.resize(size);
    if (size > 0) {
        check(get_log(program, result.log.data()), "nvrtcGetProgramLog");
        while (!result.log.empty() && result.log.back() == '\0')
            result.log.pop_back();
    }
    if (compiled == NVRTC_SUCCESS) {
        check(cubin_size(program, &size), "nvrtcGetCUBINSize");
        result.cubin.resize(size);
        check(get_cubin(program, result.cubin.data()), "nvrtcGetCUBIN");
        result.ok = true;
    } else if (compiled == NVRTC_ERROR_COMPILATION) {
        // NVRTC writes "name(line): error: text" per error.
        static const std::regex shape(R"((?:^|\n)[^\n(]*\((\d+)\): (?:catastrophe |fatal )?error: ([^\n]*))");
        for (auto it = std::sregex_iterator(result.log.begin(), result.log.end(), shape); it != std::sregex_iterator();
             ++it)
            result.errors.push_back({std::uint32_t(std::stoul((*it)[1].str())), (*it)[2].str()});
        if (result.errors.empty())
            result.errors.push_back({0, result.log.empty() ? "the compile failed without a message" : result.log});
    } else if (compiled == NVRTC_ERROR_INVALID_OPTION) {
        std::string given;
        for (const auto& a : args)
            given += " " + a;
        core::fail_usage("NVRTC refused the options" + given + (result.log.empty() ? "" : ": " + result.log));
    } else {
        check(compiled, "nvrtcCompileProgram");
    }
    result.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return result;
}

} // namespace cuvk::compute
