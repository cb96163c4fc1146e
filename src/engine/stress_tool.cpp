#include "cuvk/engine/stress_tool.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/core/fault_injection.hpp"
#include "cuvk/engine/watchdog.hpp"
#include "cuvk/interop/extensions.hpp"
#include "cuvk/interop/probe.hpp"

#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>
#include <sstream>

namespace cuvk::engine {
namespace {

using Clock = std::chrono::steady_clock;

nlohmann::json to_json(const render::VerifyTotals& t) {
    return {{"verified", t.verified}, {"torn", t.torn}, {"stale", t.stale}, {"corrupt", t.corrupt}};
}

nlohmann::json to_json(const interop::ResourceCounts& c) {
    return {{"fds", c.fds},
            {"resident_bytes", c.rss_bytes},
            {"cuda_used_bytes", c.cuda_used_bytes},
            {"vulkan_heap_bytes", c.vulkan_heap_bytes}};
}

std::string phase_line(const StressPhaseResult& r) {
    std::ostringstream out;
    out << "phase " << r.index << ": ";
    if (!r.ran)
        out << "not supported: " << r.not_supported;
    else
        out << r.frames << " frames, " << r.pairs << " pairs, " << r.verify.verified << " verified, " << r.verify.torn
            << " torn, " << r.verify.stale << " stale, " << r.verify.corrupt << " corrupt in " << r.seconds << " s";
    return out.str();
}

} // namespace

std::uint64_t StressReport::errors_caught() const {
    return faults.caught() + (churn ? churn->failing_imports : 0) + (injection ? injection->errors : 0);
}

bool StressReport::clean() const {
    const bool leaks = (churn && (churn->leaked_fds() != 0 || churn->leaked_bytes() != 0)) ||
                       (resize_storm && (resize_storm->leaked_fds() != 0 || resize_storm->leaked_bytes() != 0));
    return totals.verify.clean() && (!injection || injection->clean()) &&
           conformance.count(interop::Conformance::failed) == 0 && faults.failed() == 0 && !leaks &&
           validation_messages == 0;
}

std::string StressReport::summary() const {
    std::ostringstream out;
    out << "seed " << seed << ": " << totals.pairs << " pairs signalled and waited, " << totals.verify.verified
        << " frames verified, " << totals.verify.torn << " torn, " << totals.verify.stale << " stale, "
        << totals.verify.corrupt << " corrupt (" << totals.phases_run << " phases";
    if (totals.phases_not_supported)
        out << ", " << totals.phases_not_supported << " not supported here";
    out << ", " << totals.seconds << " s); ";
    if (churn)
        out << "leaked " << churn->leaked_fds() << " fds, " << churn->leaked_bytes() << " bytes over " << churn->cycles
            << " cycles; ";
    else
        out << "no churn; ";
    if (resize_storm)
        out << "leaked " << resize_storm->leaked_fds() << " fds, " << resize_storm->leaked_bytes() << " bytes over "
            << resize_storm->resizes << " resizes of a running ring; ";
    if (injection)
        out << "error injection " << injection->injected << " of " << injection->calls << " calls, "
            << injection->problems.size() << " left something behind; ";
    out << "conformance " << conformance.count(interop::Conformance::supported) << " supported, "
        << conformance.count(interop::Conformance::not_supported) << " not supported, "
        << conformance.count(interop::Conformance::failed) << " failed; " << errors_caught() << " errors caught, "
        << faults.failed() << " faults not caught; " << validation_messages << " validation messages; "
        << (stopped ? "stopped early; " : "") << (clean() ? "CLEAN" : "FAILED");
    return out.str();
}

std::string StressReport::json() const {
    nlohmann::json j;
    j["tool"] = "cuvk-stress";
    j["seed"] = seed;
    j["vulkan_device"] = vulkan_device;
    j["cuda_device"] = cuda_device;
    j["schedules"] = schedules;
    nlohmann::json phases_json = nlohmann::json::array();
    for (const auto& p : phases) {
        nlohmann::json e{{"index", p.index}, {"ran", p.ran}};
        if (!p.ran)
            e["not_supported"] = p.not_supported;
        else
            e.update({{"frames", p.frames}, {"pairs", p.pairs}, {"seconds", p.seconds}, {"verify", to_json(p.verify)}});
        phases_json.push_back(e);
    }
    j["phases"] = phases_json;
    j["totals"] = {{"frames", totals.frames},
                   {"pairs", totals.pairs},
                   {"seconds", totals.seconds},
                   {"phases_run", totals.phases_run},
                   {"phases_not_supported", totals.phases_not_supported},
                   {"verify", to_json(totals.verify)}};
    nlohmann::json conf = nlohmann::json::array();
    for (const auto& c : conformance.checks)
        conf.push_back({{"name", c.name}, {"outcome", interop::to_string(c.outcome)}, {"detail", c.detail}});
    j["conformance"] = conf;
    nlohmann::json faults_json = nlohmann::json::array();
    for (const auto& f : faults.checks)
        faults_json.push_back({{"name", f.name},
                               {"tried", f.tried},
                               {"caught", f.caught},
                               {"recovered", f.recovered},
                               {"message", f.message}});
    j["faults"] = faults_json;
    if (churn)
        j["churn"] = {{"cycles", churn->cycles},
                      {"import_target", churn->import_target},
                      {"failing_imports_refused", churn->failing_imports},
                      {"before", to_json(churn->before)},
                      {"after", to_json(churn->after)},
                      {"leaked_fds", churn->leaked_fds()},
                      {"leaked_bytes", churn->leaked_bytes()}};
    if (resize_storm)
        j["resize_storm"] = {{"backend", resize_storm->backend},
                             {"resizes", resize_storm->resizes},
                             {"frames", resize_storm->frames},
                             {"before", to_json(resize_storm->before)},
                             {"after", to_json(resize_storm->after)},
                             {"leaked_fds", resize_storm->leaked_fds()},
                             {"leaked_bytes", resize_storm->leaked_bytes()}};
    if (injection)
        j["injection"] = {{"calls", injection->calls},
                          {"injected", injection->injected},
                          {"ended_by_error", injection->errors},
                          {"handled_inside", injection->handled},
                          {"problems", injection->problems}};
    j["errors_caught"] = errors_caught();
    j["validation_messages"] = validation_messages;
    j["stopped"] = stopped;
    j["clean"] = clean();
    j["summary"] = summary();
    return j.dump(2) + "\n";
}

StressReport run_stress_tool(const StressToolOptions& options) {
    if (options.iterations == 0 && !options.duration)
        core::fail_usage("cuvk-stress needs at least one iteration or a duration");
    if (options.lanes < 1 || options.lanes > 4)
        core::fail_usage("cuvk-stress runs 1 to 4 lanes, not " + std::to_string(options.lanes));
    auto log = [&](const std::string& line) {
        if (options.log)
            options.log(line);
    };
    auto stopping = [&] { return options.stop && options.stop(); };

    render::ContextInfo info = interop::with_interop_extensions({.app_name = "cuvk-stress"});
    info.validation = options.validation ? render::Validation::required : render::Validation::off;
    info.sync_validation = options.validation;
    info.device = options.device;
    info.compute_queue = true;
    // Validation and driver messages are counted in the report; their text goes to the caller's log.
    info.log = [&options](core::LogLevel level, std::string_view text) {
        if (options.log)
            options.log(std::string("vulkan ") + core::to_string(level) + ": " + std::string(text));
    };
    const auto ctx = render::Context::create(info);
    render::ContextInfo second_info = info;
    second_info.compute_queue = false;
    const auto second = render::Context::create(second_info);

    StressReport report;
    report.seed = options.seed;
    report.vulkan_device = ctx->device_name();
    const auto probe = interop::probe(*ctx);
    std::optional<interop::CudaDevice> cuda;
    if (probe.cuda_ordinal) {
        cuda = interop::select_cuda_device(*ctx, probe.cuda_ordinal);
        report.cuda_device = cuda->name;
    } else {
        report.cuda_device = "none";
        for (const auto& why : probe.reasons)
            log("interop unavailable: " + why);
    }
    const interop::CudaDevice* cuda_ptr = cuda ? &*cuda : nullptr;

    std::optional<StressRunner> runner;
    std::atomic<const StressRunner*> probed{nullptr}; // what the watchdog's thread may read
    std::unique_ptr<Watchdog> watchdog;
    if (options.hang_timeout.count() > 0)
        watchdog = std::make_unique<Watchdog>(WatchdogInfo{.timeout = options.hang_timeout,
                                                           .probe = [&]() -> std::string {
                                                               const StressRunner* r = probed.load();
                                                               return "seed " + std::to_string(options.seed) + "; " +
                                                                      (r ? r->probe()
                                                                         : std::string("no stress phase started yet"));
                                                           },
                                                           .on_hang = options.on_hang});
    auto progress = [&](const char* step) {
        if (watchdog)
            watchdog->progress(step);
    };
    auto take_messages = [&] {
        return ctx->take_validation_messages().size() + second->take_validation_messages().size();
    };

    if (options.conformance && !stopping()) {
        progress("conformance");
        report.conformance = interop::run_vulkan_conformance(*ctx, *second);
        if (cuda)
            interop::run_cuda_conformance(report.conformance, *ctx, *second, *cuda, options.child_command);
        else
            report.conformance.checks.push_back({"CUDA imports and semaphores", interop::Conformance::not_supported,
                                                 "no CUDA device pairs with " + ctx->device_name()});
        log("conformance:\n" + report.conformance.describe());
        report.validation_messages += take_messages();
    }
    if (options.faults && !stopping()) {
        progress("faults");
        report.faults = interop::run_fault_checks(*ctx, *second, cuda_ptr, options.child_command);
        log("faults:\n" + report.faults.describe());
        (void)take_messages(); // the faults are invalid on purpose: what the layer says about them is expected
    }
    if (options.churn && !stopping()) {
        progress("churn");
        report.churn = interop::run_churn(
            *ctx, *second, cuda_ptr, options.quick ? std::min(options.churn_cycles, 512u) : options.churn_cycles, [&] {
                progress("churn");
                return stopping();
            });
        log("churn: " + report.churn->describe());
        (void)take_messages(); // the failing imports are invalid on purpose
        if (!stopping()) {
            report.resize_storm =
                run_resize_storm(*ctx, cuda_ptr,
                                 {.backend = cuda ? Backend::interop : Backend::cpu,
                                  .resizes = options.quick ? std::min(options.resizes, 40u) : options.resizes,
                                  .seed = options.seed,
                                  .stop = stopping,
                                  .progress = progress});
            log("resize storm: " + report.resize_storm->describe());
            report.validation_messages += take_messages();
        }
    }

    if (options.injection && !stopping()) {
        if (!core::FaultInjection::available()) {
            log("error injection: not built in (CUVK_FAULT_INJECTION=OFF)");
        } else {
            progress("error injection");
            report.injection =
                run_fault_sweep({.workload = sharing_workload(options.device, cuda.has_value()),
                                 .stride = options.quick ? std::max<std::uint64_t>(options.injection_stride, 8)
                                                         : options.injection_stride,
                                 .device_memory = [&]() -> std::int64_t {
                                     return cuda_ptr ? interop::count_resources(*ctx, cuda_ptr).cuda_used_bytes : -1;
                                 },
                                 .stop = stopping,
                                 .progress = progress});
            log("error injection: " + report.injection->describe());
        }
    }

    if (options.stress && cuda && !stopping()) {
        runner.emplace(*ctx, *cuda,
                       StressRunInfo{.progress = progress,
                                     .stop = stopping,
                                     .drop_wait = options.drop_wait,
                                     .withhold_signal = options.withhold_signal});
        probed.store(&*runner);
        StressLimits limits;
        limits.all_formats = options.all_formats;
        if (options.duration) { // a qualification run: long phases, so that semaphore pairs dominate set-up
            limits.max_frames = 2048;
            limits.max_delay_us = 500;
        }
        if (options.quick) {
            limits.phases = 6;
            limits.max_frames = 48;
            limits.max_side = 512;
            limits.max_delay_us = 500;
        }
        // Schedules seed, seed + 1, ... are drawn as the lanes need phases; each is described in the report.
        const auto start = Clock::now();
        std::uint32_t first_frame = 16, iteration = 0, next_phase = 0, index = 0;
        std::optional<StressSchedule> schedule;
        auto next = [&]() -> std::optional<StressJob> {
            if (stopping())
                return std::nullopt;
            if (!schedule || next_phase == schedule->phases.size()) {
                if (options.duration ? Clock::now() - start >= *options.duration : iteration >= options.iterations)
                    return std::nullopt;
                schedule = make_schedule(options.seed + iteration++, limits);
                report.schedules.push_back(schedule->describe());
                next_phase = 0;
            }
            StressJob job{.phase = schedule->phases[next_phase++], .index = index++, .first_frame = first_frame};
            first_frame += job.phase.frames + 16;
            return job;
        };
        auto done = [&](StressPhaseResult r) {
            report.totals.add(r);
            if (!r.verify.clean() || options.log) // with the failing phase, its schedule (limits.phases each)
                log(phase_line(r) +
                    (r.verify.clean() ? "" : "\nschedule:\n" + report.schedules[r.index / limits.phases]));
            report.validation_messages += take_messages();
            report.phases.push_back(std::move(r));
        };
        runner->run_lanes(options.lanes, next, done);
        std::sort(report.phases.begin(), report.phases.end(),
                  [](const StressPhaseResult& a, const StressPhaseResult& b) { return a.index < b.index; });
        report.totals.seconds = std::chrono::duration<double>(Clock::now() - start).count(); // lanes overlap
    } else if (options.stress && !cuda) {
        StressPhaseResult r{.not_supported = "no CUDA device pairs with " + ctx->device_name()};
        report.totals.add(r);
        report.phases.push_back(r);
    }
    progress("done");
    report.stopped = stopping();
    probed.store(nullptr);
    watchdog.reset(); // its probe reads the runner
    runner.reset();   // before the contexts
    return report;
}

} // namespace cuvk::engine
