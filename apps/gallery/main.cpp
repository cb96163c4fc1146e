// cuvk-gallery — runs the demo headless on the chosen backend and writes PNGs.
//   cuvk-gallery --out out                    # auto backend: interop when a CUDA device matches, else cpu
//   cuvk-gallery --backend cpu --size 640x360
// Exit codes: 0 success, 1 runtime failure (or output that differs from the CPU reference), 2 usage error.

#include "core/error.hpp"
#include "engine/pattern_demo.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>

int main(int argc, char** argv) {
    using namespace cuvk;
    CLI::App app{"cuvk-gallery: CUDA writes straight into Vulkan memory; the result is checked and saved as PNG"};
    std::string backend = "auto", size = "1280x720", out = "out", device;
    std::uint32_t frame = 0;
    bool validation = false;
    app.add_option("--backend", backend, "auto | interop | cpu")->capture_default_str();
    app.add_option("--size", size, "output size WIDTHxHEIGHT")->capture_default_str();
    app.add_option("--out", out, "output directory")->capture_default_str();
    app.add_option("--frame", frame, "frame of the pattern to draw")->capture_default_str();
    app.add_option("--device", device, "Vulkan device: index, UUID or name (default: the best)");
    app.add_flag("--validation", validation, "enable the Khronos validation layer");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    try {
        const engine::PatternDemoInfo info{.backend = engine::parse_backend(backend),
                                           .extent = core::parse_extent(size),
                                           .frame = frame,
                                           .out_dir = out,
                                           .device = device,
                                           .validation = validation};
        const auto result = engine::run_pattern_demo(info);
        std::printf("cuvk-gallery: backend %s%s%s%s on %s\n", engine::to_string(result.backend),
                    result.backend_reason.empty() ? "" : " (", result.backend_reason.c_str(),
                    result.backend_reason.empty() ? "" : ")", result.device.c_str());
        if (result.mismatched_pixels != 0) {
            std::fprintf(stderr, "cuvk-gallery: %llu pixels differ from the CPU reference (written to %s)\n",
                         static_cast<unsigned long long>(result.mismatched_pixels), result.png_path.c_str());
            return 1;
        }
        if (validation && result.validation_messages != 0) {
            std::fprintf(stderr, "cuvk-gallery: the validation layer reported %zu message(s)\n",
                         result.validation_messages);
            return 1;
        }
        std::printf("cuvk-gallery: wrote %s (matches the CPU reference)\n", result.png_path.c_str());
        return 0;
    } catch (const core::Error& e) {
        std::fprintf(stderr, "cuvk-gallery: %s\n", e.is_usage() ? e.doing().c_str() : e.what());
        return e.is_usage() ? 2 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cuvk-gallery: %s\n", e.what());
        return 1;
    }
}
