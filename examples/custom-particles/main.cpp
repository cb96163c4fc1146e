// custom-particles: your own stateful simulation with a vertex-buffer output (points), run headless to a PNG.
//   custom-particles [OUT.png] [--cpu]
#include "swarm.hpp"

#include <cuvk/engine/headless_runner.hpp>
#include <cuvk/interop/extensions.hpp>
#include <cuvk/interop/probe.hpp>

#include <cstdio>
#include <cstring>
#include <string>

using namespace cuvk;

int main(int argc, char** argv) {
    const std::string out = argc > 1 && argv[1][0] != '-' ? argv[1] : "particles.png";
    const bool cpu = argc > 1 && std::strcmp(argv[argc - 1], "--cpu") == 0;
    try {
        const auto ctx = render::Context::create(interop::with_interop_extensions({.app_name = "custom-particles"}));
        const auto backend = !cpu && interop::probe(*ctx).available() ? engine::Backend::interop : engine::Backend::cpu;
        const auto result = engine::run_headless(*ctx, std::make_unique<custom_particles::Swarm>(),
                                                 {.backend = backend, .extent = {480, 320}, .frames = 40});
        render::write_png(out, result.last_frame);
        std::printf("custom-particles: %s backend, %.0f fps, wrote %s\n", engine::to_string(backend), result.fps,
                    out.c_str());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "custom-particles: %s\n", e.what());
        return 1;
    }
}
