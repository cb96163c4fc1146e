#include "cuvk/engine/resize_storm.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/engine/frame_loop.hpp"
#include "cuvk/engine/frame_ring.hpp"
#include "cuvk/engine/registry.hpp"
#include "cuvk/engine/target.hpp"

#include <sstream>

namespace cuvk::engine {

std::string ResizeStormReport::describe() const {
    std::ostringstream out;
    auto mib = [](std::int64_t b) { return std::to_string(b / (1 << 20)) + " MiB"; };
    out << resizes << " resizes of a running " << backend << " ring (" << frames << " frames): fds " << before.fds
        << " -> " << after.fds << ", resident " << mib(before.rss_bytes) << " -> " << mib(after.rss_bytes);
    if (before.cuda_used_bytes >= 0)
        out << ", CUDA memory in use " << mib(before.cuda_used_bytes) << " -> " << mib(after.cuda_used_bytes);
    if (before.vulkan_heap_bytes >= 0)
        out << ", Vulkan heaps in use " << mib(before.vulkan_heap_bytes) << " -> " << mib(after.vulkan_heap_bytes);
    return out.str();
}

ResizeStormReport run_resize_storm(const render::Context& ctx, const interop::CudaDevice* cuda,
                                   const ResizeStormInfo& info) {
    CUVK_ASSERT(info.frames_per_size >= 1, "a resize storm draws at least one frame per size");
    const auto registry = Registry::with_builtins();
    FrameRing ring(ctx, registry.make(info.sample),
                   {.backend = info.backend, .extent = {96, 64}, .frames_in_flight = 3, .name = "storm"});
    ResizeStormReport report;
    report.backend = to_string(info.backend);
    // Sizes from the seed alone (splitmix64), odd ones included: 16..527 x 16..271.
    std::uint64_t state = info.seed;
    auto next = [&state] {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    };
    auto draw = [&](core::Extent2D extent) {
        OffscreenTarget target(ctx, {.extent = extent, .name = "storm.target"});
        FrameRing* rings[] = {&ring};
        FrameLoop loop(ctx, target, rings);
        for (std::uint32_t f = 0; f < info.frames_per_size; ++f)
            loop.advance();
        loop.finish();
        report.frames += info.frames_per_size;
    };
    auto storm = [&](std::uint32_t count, bool counted) {
        for (std::uint32_t i = 0; i < count; ++i) {
            if (info.stop && info.stop())
                return;
            if (info.progress)
                info.progress("resize storm");
            const core::Extent2D extent{16 + std::uint32_t(next() % 512), 16 + std::uint32_t(next() % 256)};
            ring.resize(extent);
            draw(extent);
            report.resizes += counted;
        }
    };
    storm(8, false); // warm-up: pools and caches reach their steady state
    ctx.wait_idle();
    report.before = interop::count_resources(ctx, cuda);
    report.frames = 0;
    storm(info.resizes, true);
    ctx.wait_idle();
    report.after = interop::count_resources(ctx, cuda);
    return report;
}

} // namespace cuvk::engine
