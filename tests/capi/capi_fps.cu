// capi-fps: the frame rate of a frame loop driven from C++ through the C ABI (libcuvk), each frame written by one
// kernel of frame_kernels.cuh on the frame's stream into a linear RGBA8 output. python/benchmarks/fps_vs_c.py runs
// the same kernels from Python (CuPy, PyTorch) through the same ABI and reports its frame rate as a share of this one.
//
//     capi-fps [--work plasma|add] [--size 3840x2160] [--frames 2000] [--warmup 200] [--frames-in-flight 3]
//              [--backend interop|staging]
//
// Prints one JSON object: {"work", "backend", "width", "height", "frames", "seconds", "fps"}. Exit 2 on a usage error,
// 1 on a failure (one line on stderr naming it).

#include "cuvk/cuvk.h"
#include "frame_kernels.cuh"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cuda_runtime_api.h>
#include <stdexcept>
#include <string>

namespace {

struct Failure : std::runtime_error {
    int code;
    Failure(int c, const std::string& what) : std::runtime_error(what), code(c) {}
};

void check(cuvk_status s, const char* call) {
    if (s != CUVK_OK)
        throw Failure(s == CUVK_ERROR_USAGE ? 2 : 1, std::string(call) + ": " + cuvk_last_error());
}

void check(cudaError_t e, const char* call) {
    if (e != cudaSuccess) {
        (void)cudaGetLastError();
        throw Failure(1, std::string(call) + ": " + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")");
    }
}

struct Options {
    std::string work = "plasma", backend = "interop";
    unsigned width = 3840, height = 2160, frames = 2000, warmup = 200, in_flight = 3;
};

unsigned number(const char* text, const char* what) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(text, &end, 10);
    if (!*text || *end || v == 0 || v > 1u << 30)
        throw Failure(2, std::string(what) + " '" + text + "' is not a positive whole number");
    return unsigned(v);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc)
            throw Failure(2, "option " + a + " needs a value (see the comment at the top of capi_fps.cu)");
        const char* v = argv[++i];
        if (a == "--work")
            o.work = v;
        else if (a == "--backend")
            o.backend = v;
        else if (a == "--size") {
            if (std::sscanf(v, "%ux%u", &o.width, &o.height) != 2 || !o.width || !o.height)
                throw Failure(2, std::string("--size '") + v + "' is not WIDTHxHEIGHT");
        } else if (a == "--frames")
            o.frames = number(v, "--frames");
        else if (a == "--warmup")
            o.warmup = number(v, "--warmup");
        else if (a == "--frames-in-flight")
            o.in_flight = number(v, "--frames-in-flight");
        else
            throw Failure(2, "unknown option " + a);
    }
    if (o.work != "plasma" && o.work != "add")
        throw Failure(2, "--work '" + o.work + "': plasma or add");
    if (o.backend != "interop" && o.backend != "staging")
        throw Failure(2, "--backend '" + o.backend + "': interop or staging");
    return o;
}

// One frame: begin, one kernel on the frame's stream, end.
void frame(cuvk_session* s, const Options& o, const unsigned* base) {
    cuvk_frame f{};
    check(cuvk_session_begin_frame(s, &f), "cuvk_session_begin_frame");
    const cuvk_frame_output& out = f.outputs[0];
    const dim3 block(16, 16), grid((o.width + 15) / 16, (o.height + 15) / 16);
    auto* stream = static_cast<cudaStream_t>(f.stream);
    auto* rows = static_cast<unsigned*>(out.data);
    if (o.work == "plasma")
        cuvk_fps_plasma<<<grid, block, 0, stream>>>(rows, out.pitch, int(o.width), int(o.height), float(f.time));
    else
        cuvk_fps_add<<<grid, block, 0, stream>>>(base, rows, out.pitch, int(o.width), int(o.height), unsigned(f.index));
    check(cudaGetLastError(), o.work == "plasma" ? "cuvk_fps_plasma<<<>>>" : "cuvk_fps_add<<<>>>");
    check(cuvk_session_end_frame(s), "cuvk_session_end_frame");
}

int run(const Options& o) {
    cuvk_session_info info{};
    info.struct_size = sizeof info;
    info.name = "capi-fps";
    info.width = o.width;
    info.height = o.height;
    info.backend = o.backend == "interop" ? CUVK_BACKEND_INTEROP : CUVK_BACKEND_STAGING;
    info.frames_in_flight = o.in_flight;
    cuvk_session* s = nullptr;
    check(cuvk_session_create(&info, &s), "cuvk_session_create");
    unsigned* base = nullptr;
    try {
        cuvk_output_info image{};
        image.struct_size = sizeof image;
        image.kind = CUVK_OUTPUT_IMAGE;
        image.width = o.width;
        image.height = o.height;
        image.format = CUVK_FORMAT_RGBA8;
        image.linear = 1;
        check(cuvk_session_add_output(s, &image, nullptr), "cuvk_session_add_output");
        const size_t bytes = size_t(o.width) * o.height * 4;
        check(cudaMalloc(&base, bytes), "cudaMalloc(base)");
        check(cudaMemset(base, 0x5a, bytes), "cudaMemset(base)");
        for (unsigned k = 0; k < o.warmup; ++k)
            frame(s, o, base);
        check(cuvk_session_finish(s), "cuvk_session_finish");
        const auto t0 = std::chrono::steady_clock::now();
        for (unsigned k = 0; k < o.frames; ++k)
            frame(s, o, base);
        check(cuvk_session_finish(s), "cuvk_session_finish");
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("{\"work\": \"%s\", \"backend\": \"%s\", \"width\": %u, \"height\": %u, \"frames\": %u, "
                    "\"seconds\": %.6f, \"fps\": %.2f}\n",
                    o.work.c_str(), cuvk_session_backend(s), o.width, o.height, o.frames, seconds, o.frames / seconds);
    } catch (...) {
        cuvk_session_destroy(s);
        cudaFree(base);
        throw;
    }
    check(cuvk_session_destroy(s), "cuvk_session_destroy");
    check(cudaFree(base), "cudaFree(base)");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(parse(argc, argv));
    } catch (const Failure& f) {
        std::fprintf(stderr, "capi-fps: %s\n", f.what());
        return f.code;
    }
}
