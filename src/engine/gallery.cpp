#include "cuvk/engine/gallery.hpp"

#include "contact_sheet.hpp"
#include "cuvk/core/atomic_file.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/core/text.hpp"
#include "cuvk/interop/extensions.hpp"
#include "cuvk/interop/probe.hpp"

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace cuvk::engine {
namespace {

namespace fs = std::filesystem;

nlohmann::json stats_json(const StageStats& s) {
    return {{"mean_ms", s.mean_ms}, {"p99_ms", s.p99_ms}, {"samples", s.samples}};
}

std::string frame_name(const std::string& sample, std::uint64_t frame) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "-%05llu.png", static_cast<unsigned long long>(frame));
    return sample + buf;
}

// The files a run writes into its output directory, each through core::AtomicFile, and the list of those that are
// complete: what an error that ends the run says in its note. Checks `stop` before each file.
class Outputs {
public:
    Outputs(std::string dir, const std::atomic<bool>* stop) : dir_(std::move(dir)), stop_(stop) {}

    std::string path(const std::string& name) const { return (fs::path(dir_) / name).string(); }
    bool empty() const noexcept { return complete_.empty(); }

    // Throws an interrupted core::Error when the caller asked to stop; `next` names what would have come next.
    void check_stop(const std::string& next) const {
        if (stop_ && stop_->load())
            core::fail_interrupted("interrupted before " + next);
    }

    std::string write_png(const std::string& name, const render::Pixels& pixels) {
        check_stop("writing " + name);
        render::write_png(path(name), pixels);
        complete_.push_back(name);
        return path(name);
    }

    std::string write_text(const std::string& name, const std::string& text) {
        check_stop("writing " + name);
        core::write_file_atomically(path(name), text);
        complete_.push_back(name);
        return path(name);
    }

    // "nothing was written", or "3 complete files in 'out': a.png, b.png, c.png" (at most 8 named).
    std::string note() const {
        constexpr std::size_t kNamed = 8;
        if (complete_.empty())
            return "nothing was written";
        std::string out = std::to_string(complete_.size()) + " complete file(s) in " + core::quote(dir_) + ": ";
        for (std::size_t i = 0; i < std::min(complete_.size(), kNamed); ++i)
            out += (i == 0 ? "" : ", ") + complete_[i];
        if (complete_.size() > kNamed)
            out += " and " + std::to_string(complete_.size() - kNamed) + " more";
        return out;
    }

private:
    std::string dir_;
    const std::atomic<bool>* stop_;
    std::vector<std::string> complete_;
};

// Options that make sense only on some backends: refused up front rather than ignored.
void check_backend_options(const GalleryInfo& info) {
    const std::string backend = to_string(info.backend);
    if (info.backend == Backend::gl)
        core::fail_usage("the gl backend (CUDA-OpenGL) runs in cuvk-bench only, as the baseline interop is measured "
                         "against; the gallery runs auto, interop, split, staging or cpu");
    if (info.sim_device && info.backend != Backend::split)
        core::fail_usage("--sim-device applies only to --backend split, not " + backend);
    if (info.cuda_device && info.backend == Backend::cpu)
        core::fail_usage("--cuda-device applies only to the CUDA backends (interop, split, staging), not cpu");
    if (info.sync && (info.backend == Backend::cpu || info.backend == Backend::staging))
        core::fail_usage("--sync applies only to the interop and split backends, not " + backend);
}

// The backend `info` asks for, resolved on `ctx`: automatic becomes interop when a CUDA device matches, else cpu —
// unless an option that only CUDA uses was given, which makes it insist on interop.
Backend resolve_backend(const render::Context& ctx, const GalleryInfo& info, std::string& reason) {
    if (info.backend == Backend::cpu || info.backend == Backend::staging)
        return info.backend;
    const auto probe = interop::probe(ctx);
    std::string reasons;
    for (const auto& r : probe.reasons)
        reasons += (reasons.empty() ? "" : "; ") + r;
    if (probe.available()) {
        if (info.backend == Backend::automatic)
            reason = "a CUDA device matches the Vulkan device";
        return info.backend == Backend::automatic ? Backend::interop : info.backend;
    }
    if (info.backend != Backend::automatic)
        core::fail(std::string("the ") + to_string(info.backend) + " backend is unavailable: " + reasons,
                   ctx.device_name());
    const char* cuda_option = info.cuda_device ? "--cuda-device" : info.sync ? "--sync" : nullptr;
    if (cuda_option)
        core::fail(std::string(cuda_option) + " needs the interop backend, which is unavailable (the cpu backend " +
                       "would ignore it): " + reasons,
                   ctx.device_name());
    reason = reasons;
    return Backend::cpu;
}

// Removes the directories a run created (innermost first) when they are still empty; failures are ignored.
void remove_empty(const std::vector<std::string>& created) noexcept {
    for (auto it = created.rbegin(); it != created.rend(); ++it) {
        std::error_code ec;
        fs::remove(*it, ec); // removes only an empty directory
    }
}

[[noreturn]] void rethrow_with_note(const core::Error& e, const std::string& note) {
    auto info = e.info();
    info.note = info.note.empty() ? note : info.note + "; " + note;
    throw core::Error(std::move(info), e.where());
}

nlohmann::json report_json(const Registry& registry, const GalleryInfo& info, const GalleryResult& result) {
    nlohmann::json report = {
        {"device", result.device},
        {"backend", to_string(result.backend)},
        {"backend_reason", result.backend_reason},
        {"size", core::to_string(info.extent)},
        {"frames_in_flight", info.frames_in_flight},
        {"sync", to_string(info.sync.value_or(SyncMode::timeline))},
        {"batch", info.batch},
        {"particles", to_string(info.points)},
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
    return report;
}

// Runs every sample, writes its PNGs, the contact sheet and the report into `outputs`.
void run_and_write(const render::Context& ctx, const Registry& registry, const GalleryInfo& info,
                   const std::vector<std::string>& names, std::vector<RunInfo>& runs, Outputs& outputs,
                   GalleryResult& result) {
    for (std::size_t i = 0; i < runs.size(); ++i) {
        auto& run = runs[i];
        const std::string& name = names[i];
        outputs.check_stop("running " + name);
        run.backend = result.backend;
        run.stop = info.stop;
        run.on_capture = [&](std::uint64_t frame, const render::Pixels& pixels) {
            if (info.png_every > 0)
                outputs.write_png(frame_name(name, frame), pixels);
        };
        SampleReport report{.name = name, .params = run.params, .run = run_headless(ctx, registry.make(name), run)};
        report.png = outputs.write_png(name + ".png", report.run.last_frame);
        if (info.check && registry.desc(name).has_cpu) { // a live kernel has no CPU reference to check against
            outputs.check_stop("checking " + name);
            RunInfo reference = run;
            reference.backend = Backend::cpu;
            reference.on_capture = nullptr;
            reference.capture_every = 0;
            reference.stop = info.stop;
            const auto expected = run_headless(ctx, registry.make(name), reference);
            report.check = compare_images(report.run.last_frame, expected.last_frame, registry.desc(name).tolerance);
            if (!report.check->passed)
                result.failed_checks.push_back(name);
        }
        result.samples.push_back(std::move(report));
    }

    std::vector<SheetEntry> entries;
    for (const auto& s : result.samples)
        entries.push_back({s.name + " (" + to_string(s.run.backend) + ")", &s.run.last_frame});
    result.sheet_path = outputs.write_png("gallery.png", make_contact_sheet(entries));
    result.validation_messages = ctx.validation_messages().size();
    // Invalid UTF-8 (a device or sample name) is replaced rather than thrown on: the report is still written.
    const auto json = report_json(registry, info, result);
    result.report_path =
        outputs.write_text("report.json", json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

// Usage errors for an output path that can never work; creates nothing.
void check_output_path(const std::string& dir) {
    std::error_code ec;
    if (dir.empty())
        core::fail_usage("--out: the output directory is empty");
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        core::fail_usage("--out " + core::quote(dir) + ": exists and is not a directory");
}

} // namespace

std::vector<std::string> prepare_output_dir(const std::string& dir) {
    check_output_path(dir);
    std::error_code ec;
    std::vector<std::string> created;
    for (fs::path p = fs::absolute(dir, ec); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
        created.insert(created.begin(), p.string());
        if (p == p.parent_path())
            break;
    }
    fs::create_directories(dir, ec);
    if (ec) {
        remove_empty(created);
        core::fail_usage("--out " + core::quote(dir) + ": cannot create the directory (" + ec.message() + ")");
    }
    // Writable means a file can be created in it: create one, exclusively, as the outputs will be (AtomicFile).
    try {
        core::AtomicFile probe((fs::path(dir) / ".cuvk-write-test").string());
    } catch (const core::Error&) {
        remove_empty(created);
        core::fail_usage("--out " + core::quote(dir) + ": the directory is not writable");
    }
    return created;
}

GalleryResult run_gallery(const Registry& registry, const GalleryInfo& info) {
    // 1. Everything the user typed, before any work.
    const std::vector<std::string> names = info.samples.empty() ? registry.names() : info.samples;
    std::vector<const compute::SimulationDesc*> specs;
    for (const auto& name : names)
        specs.push_back(&registry.desc(name));
    check_sets_known(specs, info.sets);
    check_backend_options(info);
    if (info.extent.empty())
        core::fail_usage("--size " + core::to_string(info.extent) + " has a zero side");
    if (info.extent.pixels() > render::kMaxPngPixels)
        core::fail_usage("--size " + core::to_string(info.extent) +
                         " has more pixels than a PNG cuvk writes may hold (" + std::to_string(render::kMaxPngPixels) +
                         ", kMaxPngPixels)");
    check_output_path(info.out_dir);
    std::vector<RunInfo> runs;
    for (const auto* spec : specs)
        runs.push_back({.params = resolve_params(*spec, info.sets, true),
                        // resolved once the context exists; until then one the simulation can run (for the checks)
                        .backend = spec->has_cpu ? Backend::cpu : Backend::staging,
                        .extent = info.extent,
                        .frames = info.frames,
                        .frames_in_flight = info.frames_in_flight,
                        .sync = info.sync.value_or(SyncMode::timeline),
                        .cuda_device = info.cuda_device,
                        .sim_device = info.sim_device,
                        .batch = info.batch,
                        .points = info.points,
                        .seed = info.seed,
                        .capture_every = info.png_every});

    const auto ctx = render::Context::create(interop::with_interop_extensions(
        {.app_name = "cuvk-gallery",
         .validation = info.validation ? render::Validation::required : render::Validation::off,
         .device = info.device,
         .log = info.log}));
    for (std::size_t i = 0; i < runs.size(); ++i) // sizes within the device's limits, ring and batch in range
        (void)check_run(*ctx, *registry.make(names[i]), runs[i]);

    // 2. The backend.
    GalleryResult result;
    result.device = ctx->device_name();
    result.backend = resolve_backend(*ctx, info, result.backend_reason);

    // 3. Run, write, check. The output directory is made only now, when nothing but the run itself can fail.
    Outputs outputs(info.out_dir, info.stop);
    outputs.check_stop("creating " + core::quote(info.out_dir));
    const auto created = prepare_output_dir(info.out_dir);
    try {
        run_and_write(*ctx, registry, info, names, runs, outputs, result);
    } catch (const core::Error& e) {
        if (outputs.empty())
            remove_empty(created);
        rethrow_with_note(e, outputs.note());
    } catch (const std::exception& e) {
        if (outputs.empty())
            remove_empty(created);
        throw core::Error({.what = e.what(), .note = outputs.note()});
    }
    return result;
}

} // namespace cuvk::engine
