#include "engine/pattern_demo.hpp"

#include "compute/pattern.hpp"
#include "core/error.hpp"
#include "engine/pattern_source.hpp"
#include "interop/extensions.hpp"
#include "interop/probe.hpp"
#include "render/compositor.hpp"
#include "render/readback.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>

namespace cuvk::engine {

void prepare_output_dir(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (dir.empty())
        core::fail_usage("--out: the output directory is empty");
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        core::fail_usage("--out " + dir + ": exists and is not a directory");
    fs::create_directories(dir, ec);
    if (ec)
        core::fail_usage("--out " + dir + ": cannot create the directory (" + ec.message() + ")");
    const fs::path probe = fs::path(dir) / ".cuvk-write-test";
    {
        std::ofstream f(probe);
        if (!f)
            core::fail_usage("--out " + dir + ": the directory is not writable");
    }
    fs::remove(probe, ec);
}

PatternDemoResult run_pattern_demo(const PatternDemoInfo& info) {
    prepare_output_dir(info.out_dir);
    const auto ctx = render::Context::create(interop::with_interop_extensions(
        {.app_name = "cuvk-demo",
         .validation = info.validation ? render::Validation::required : render::Validation::off,
         .device = info.device,
         .log = info.log}));
    render::check_image_extent(*ctx, info.extent, "target");

    PatternDemoResult result;
    result.device = ctx->device_name();
    result.backend = info.backend;
    if (info.backend == Backend::automatic) {
        const auto probe = interop::probe(*ctx);
        result.backend = probe.available() ? Backend::interop : Backend::cpu;
        for (const auto& r : probe.reasons)
            result.backend_reason += (result.backend_reason.empty() ? "" : "; ") + r;
        if (probe.available())
            result.backend_reason = "a CUDA device matches the Vulkan device";
    }

    auto source = result.backend == Backend::interop ? make_interop_source(*ctx, info.extent)
                                                     : make_cpu_source(*ctx, info.extent);
    const auto target = render::Image::create(
        *ctx, {.extent = info.extent,
               .usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
               .name = "target"});
    // Nearest sampling at pixel centres of a same-size source copies texels exactly.
    auto compositor = render::Compositor::create(*ctx, {.max_bindings = 1, .linear = false});
    const VkDescriptorSet binding = compositor.bind(source->view(), target.view());

    const auto waits = source->produce(info.frame);
    render::submit_and_wait(
        *ctx,
        [&](VkCommandBuffer cmd) {
            source->record_before_read(cmd);
            render::record_barrier(cmd, {.image = target.get(),
                                         .dst_stage = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                         .dst_access = VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT,
                                         .old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
                                         .new_layout = VK_IMAGE_LAYOUT_GENERAL});
            compositor.record(cmd, binding, {.extent = info.extent});
            source->record_after_read(cmd);
        },
        "pattern.composite", waits);

    const auto pixels = render::read_image(*ctx, target,
                                           {.after_stage = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                            .after_access = VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT});
    const auto expected = compute::expected_rgba8(info.extent, info.frame);
    for (std::size_t i = 0; i < expected.size(); ++i)
        if (std::memcmp(&expected[i], &pixels.bytes[i * 4], 4) != 0)
            ++result.mismatched_pixels;

    result.png_path = (std::filesystem::path(info.out_dir) / "pattern.png").string();
    render::write_png(result.png_path, pixels);
    result.validation_messages = ctx->validation_messages().size();
    return result;
}

} // namespace cuvk::engine
