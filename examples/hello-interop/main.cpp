// hello-interop: a CUDA kernel writes a Vulkan image that cuvk's frame ring shows; here headless, to a PNG.
//   hello-interop [OUT.png] [--cpu]     (--cpu: the CPU implementation, where no CUDA device matches)
#include "hello.hpp"

#include <cuvk/engine/headless_runner.hpp>
#include <cuvk/interop/extensions.hpp>
#include <cuvk/interop/probe.hpp>

#include <cstdio>
#include <cstring>
#include <string>

using namespace cuvk;

int main(int argc, char** argv) {
    const std::string out = argc > 1 && argv[1][0] != '-' ? argv[1] : "hello.png";
    const bool cpu = argc > 1 && std::strcmp(argv[argc - 1], "--cpu") == 0;
    try {
        const auto ctx = render::Context::create(interop::with_interop_extensions({.app_name = "hello-interop"}));
        const auto backend = !cpu && interop::probe(*ctx).available() ? engine::Backend::interop : engine::Backend::cpu;
        const auto result = engine::run_headless(*ctx, std::make_unique<hello_interop::Hello>(),
                                                 {.backend = backend, .extent = {640, 360}, .frames = 60});
        render::write_png(out, result.last_frame);
        std::printf("hello-interop: %s backend, %.0f fps, wrote %s\n", engine::to_string(backend), result.fps,
                    out.c_str());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "hello-interop: %s\n", e.what());
        return 1;
    }
}
