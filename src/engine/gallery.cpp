#include "cuvk/engine/gallery.hpp"

#include "contact_sheet.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/interop/extensions.hpp"
#include "cuvk/interop/probe.hpp"

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace cuvk::engine {
namespace {

namespace fs = std::filesystem;

nlohmann::json stats_json(const StageStats& s) {
    return {{"mean_ms", s.mean_ms}, {"p99_ms", s.p99_ms}, {"samples", s.samples}};
}

void write_text_atomically(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary);
        f << text;
        f.flush();
        if (!f) {
            std::remove(tmp.c_str());
            core::fail_errno(errno ? errno : EIO, "write", "could not write the file", path);
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::remove(tmp.c_str());
        core::fail_errno(err, "rename", "could not move the file into place", path);
    }
}

std::string frame_name(const std::string& sample, std::uint64_t frame) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "-%05llu.png", static_cast<unsigned long long>(frame));
    return sample + buf;
}

} // namespace

void prepare_output_dir(const std::string& dir) {
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

GalleryResult run_gallery(const Registry& registry, const GalleryInfo& info) {
    // 1. Everything the user typed, before any work.
    const std::vector<std::string> names = info.samples.empty() ? registry.names() : info.samples;
    std::vector<const compute::SimulationDesc*> specs;
    for (const auto& name : names)
        specs.push_back(&registry.desc(name));
    check_sets_known(specs, info.sets);
    std::vector<RunInfo> runs;
    for (const auto* spec : specs)
        runs.push_back({.params = resolve_params(*spec, info.sets, true),
                        .backend = Backend::cpu,
                        .extent = info.extent,
                        .frames = info.frames,
                        .frames_in_flight = info.frames_in_flight,
                        .sync = info.sync,
                        .cuda_device = info.cuda_device,
                        .sim_device = info.sim_device,
                        .batch = info.batch,
                        .seed = info.seed,
                        .capture_every = info.png_every});
    if (info.extent.empty())
        core::fail_usage("--size " + core::to_string(info.extent) + " has a zero side");

    const auto ctx = render::Context::create(interop::with_interop_extensions(
        {.app_name = "cuvk-gallery",
         .validation = info.validation ? render::Validation::required : render::Validation::off,
         .device = info.device,
         .log = info.log}));
    for (std::size_t i = 0; i < runs.size(); ++i) // sizes within the device's limits, ring and batch in range
        (void)check_run(*ctx, *registry.make(names[i]), runs[i]);
    prepare_output_dir(info.out_dir);

    // 2. The backend.
    GalleryResult result;
    result.device = ctx->device_name();
    result.backend = info.backend;
    if (info.backend != Backend::cpu && info.backend != Backend::staging) {
        const auto probe = interop::probe(*ctx);
        std::string reasons;
        for (const auto& r : probe.reasons)
            reasons += (reasons.empty() ? "" : "; ") + r;
        if (info.backend != Backend::automatic && !probe.available())
            core::fail(std::string("the ") + to_string(info.backend) + " backend is unavailable: " + reasons,
                       ctx->device_name());
        if (info.backend == Backend::automatic) {
            result.backend = probe.available() ? Backend::interop : Backend::cpu;
            result.backend_reason = probe.available() ? "a CUDA device matches the Vulkan device" : reasons;
        }
    }

    // 3. Run, write, check.
    for (std::size_t i = 0; i < runs.size(); ++i) {
        auto& run = runs[i];
        const std::string& name = names[i];
        run.backend = result.backend;
        run.on_capture = [&](std::uint64_t frame, const render::Pixels& pixels) {
            if (info.png_every > 0)
                render::write_png((fs::path(info.out_dir) / frame_name(name, frame)).string(), pixels);
        };
        SampleReport report{.name = name, .params = run.params, .run = run_headless(*ctx, registry.make(name), run)};
        report.png = (fs::path(info.out_dir) / (name + ".png")).string();
        render::write_png(report.png, report.run.last_frame);
        if (info.check) {
            RunInfo reference = run;
            reference.backend = Backend::cpu;
            reference.on_capture = nullptr;
            reference.capture_every = 0;
            const auto expected = run_headless(*ctx, registry.make(name), reference);
            report.check = compare_images(report.run.last_frame, expected.last_frame, specs[i]->tolerance);
            if (!report.check->passed)
                result.failed_checks.push_back(name);
        }
        result.samples.push_back(std::move(report));
    }

    std::vector<SheetEntry> entries;
    for (const auto& s : result.samples)
        entries.push_back({s.name + " (" + to_string(s.run.backend) + ")", &s.run.last_frame});
    result.sheet_path = (fs::path(info.out_dir) / "gallery.png").string();
    render::write_png(result.sheet_path, make_contact_sheet(entries));
    result.validation_messages = ctx->validation_messages().size();

    nlohmann::json report = {
        {"device", result.device},
        {"backend", to_string(result.backend)},
        {"backend_reason", result.backend_reason},
        {"size", core::to_string(info.extent)},
        {"frames_in_flight", info.frames_in_flight},
        {"sync", to_string(info.sync)},
        {"batch", info.batch},
        {"validation_messages", result.validation_messages},
        {"samples", nlohmann::json::array()},
    };
    for (const auto& s : result.samples) {
        nlohmann::json params;
        const auto* spec = &registry.desc(s.name);
        for (std::size_t i = 0; i < spec->params.size(); ++i)
            params[spec->params[i].name] = s.params[i];
        nlohmann::json entry = {
            {"name", s.name},
            {"backend", to_string(s.run.backend)},
            {"backend_note", s.run.backend_note},
            {"device", result.device},
            {"frames", info.frames},
            {"fps", s.run.fps},
            {"simulation", stats_json(s.run.simulation)},
            {"draw", stats_json(s.run.draw)},
            {"host_frame", stats_json(s.run.host_frame)},
            {"params", params},
            {"png", fs::path(s.png).filename().string()},
        };
        if (s.check)
            entry["check"] = {{"passed", s.check->passed},
                              {"bad_pixels", s.check->bad_pixels},
                              {"bad_fraction", s.check->bad_fraction},
                              {"max_difference", s.check->max_difference},
                              {"tolerance_per_channel", spec->tolerance.per_channel},
                              {"tolerance_bad_fraction", spec->tolerance.max_bad_fraction}};
        report["samples"].push_back(entry);
    }
    result.report_path = (fs::path(info.out_dir) / "report.json").string();
    write_text_atomically(result.report_path, report.dump(2) + "\n");
    return result;
}

} // namespace cuvk::engine
