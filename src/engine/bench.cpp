#include "cuvk/engine/bench.hpp"

#include "cuvk/core/atomic_file.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/engine/headless_runner.hpp"
#include "cuvk/engine/registry.hpp"
#include "cuvk/interop/cuda_device.hpp"
#include "cuvk/interop/extensions.hpp"
#include "cuvk/interop/probe.hpp"
#include "gl_backend.hpp"
#include "plot.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace cuvk::engine {
namespace {

namespace fs = std::filesystem;

std::string version_text(int v) { // CUDA's 13000 → "13.0"
    return v <= 0 ? "none" : std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("model name", 0) == 0)
            if (const auto colon = line.find(':'); colon != std::string::npos)
                return line.substr(line.find_first_not_of(' ', colon + 1));
    return "unknown";
}

std::string host_name() {
    char name[256] = {};
    return ::gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string("unknown");
}

// Why `backend` cannot run on `ctx`, or empty.
std::string unavailable(const render::Context& ctx, Backend backend, const interop::ProbeResult& probe) {
    std::string reasons;
    for (const auto& r : probe.reasons)
        reasons += (reasons.empty() ? "" : "; ") + r;
    switch (backend) {
    case Backend::interop:
        return probe.available() ? "" : reasons;
    case Backend::staging:
        return probe.cuda_ordinal ? "" : "no CUDA device matches " + ctx.device_name() + ": " + reasons;
    case Backend::cpu:
        return "";
    case Backend::gl:
        return probe.cuda_ordinal ? gl_unavailable(probe.cuda_ordinal)
                                  : "no CUDA device matches " + ctx.device_name() + ": " + reasons;
    default:
        return std::string("the bench runs interop, staging, gl and cpu, not ") + to_string(backend);
    }
}

nlohmann::json to_json(const Figure& f) {
    return {{"min", f.min}, {"median", f.median}, {"max", f.max}};
}

std::string fixed(double v, int digits) {
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(digits);
    out << v;
    return out.str();
}

// "p50", "p99.9".
std::string percentile_name(double p) {
    return "p" + fixed(p, p == std::floor(p) ? 0 : 1);
}

void write_file(const fs::path& path, std::string_view bytes) {
    core::AtomicFile file(path.string());
    file.write(bytes);
    file.commit();
}

} // namespace

Figure Figure::of(std::vector<double> values) {
    if (values.empty())
        return {};
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    const double median = n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    return {values.front(), median, values.back()};
}

const MicroResult* MicroReport::find(const std::string& name) const {
    for (const auto& r : results)
        if (r.name == name && r.not_run.empty() && r.p50_us > 0)
            return &r;
    return nullptr;
}

std::string upload_queue_suffix(std::optional<std::size_t> transfer_index) {
    if (!transfer_index)
        return "";
    return *transfer_index == 0 ? " (transfer queue)" : " (transfer queue " + std::to_string(*transfer_index + 1) + ")";
}

void check_micro_options(const MicroOptions& options) {
    if (options.iterations < 1 || options.bytes == 0 || options.bytes % (64u << 10) != 0)
        core::fail_usage("the micro-benchmarks need at least one iteration and a multiple of 64 KiB to move, not " +
                         std::to_string(options.iterations) + " iterations of " + std::to_string(options.bytes) +
                         " bytes");
    for (const auto& g : options.groups)
        if (std::find(std::begin(kMicroGroups), std::end(kMicroGroups), g) == std::end(kMicroGroups))
            core::fail_usage("there is no micro-benchmark group " + g);
}

void check_floor_info(const FloorInfo& info) {
    if (info.frames_in_flight < 1 || info.frames_in_flight > 8 || info.batch < 1 ||
        info.batch > info.frames_in_flight || info.frames < 4 * info.frames_in_flight)
        core::fail_usage("the floor needs 1..8 frames in flight, a batch of 1..N and at least 4N frames");
}

std::string resources_result_name(const std::string& path, std::uint32_t count) {
    return path + ", " + std::to_string(count) + " resource" + (count == 1 ? "" : "s") + " per frame";
}

BenchOptions quick_bench_options() {
    BenchOptions o;
    o.sizes = {{320, 180}, {640, 360}};
    o.backends = {Backend::cpu};
    o.frames = 32;
    o.repetitions = 2;
    o.ring_size = {320, 180};
    o.micro_options = {.iterations = 20, .bytes = 16u << 20};
    return o;
}

BenchReport run_bench(const BenchOptions& options) {
    const bool samples = !options.samples.empty();
    if (samples && (options.sizes.empty() || options.backends.empty() || options.modes.empty()))
        core::fail_usage("cuvk-bench needs at least one size, backend and mode for its samples");
    if (!samples && !options.micro)
        core::fail_usage("cuvk-bench has nothing to run: no sample and no micro-benchmarks");
    if (options.micro)
        check_micro_options(options.micro_options);
    if (options.repetitions < 1 || options.repetitions > 100)
        core::fail_usage("--repetitions must be 1..100, not " + std::to_string(options.repetitions));
    for (const auto& m : options.modes)
        if (m.frames_in_flight < 1 || m.frames_in_flight > 8 || m.batch < 1 || m.batch > m.frames_in_flight)
            core::fail_usage("the mode " + m.name + " needs 1..8 frames in flight and a batch of 1..N");
    if (options.frames < 4 * std::max_element(
                                 options.modes.begin(), options.modes.end(),
                                 [](auto& a, auto& b) { return a.frames_in_flight < b.frames_in_flight; })
                                 ->frames_in_flight)
        core::fail_usage("--frames " + std::to_string(options.frames) +
                         " is too few: a run needs at least 4 frames per frame in flight (a quarter is warm-up)");
    const auto registry = Registry::with_builtins();
    for (const auto& s : options.samples)
        (void)registry.desc(s); // a usage error naming an unknown sample, before anything runs

    const auto ctx = render::Context::create(interop::with_interop_extensions(
        {.app_name = "cuvk-bench",
         .validation = options.validation ? render::Validation::required : render::Validation::off,
         .device = options.device,
         .transfer_queue = options.transfer_queue}));
    BenchReport report;
    report.host = host_name();
    report.cpu = cpu_model() + ", " + std::to_string(std::thread::hardware_concurrency()) + " threads";
    report.gpu = ctx->device_name();
    VkPhysicalDeviceDriverProperties driver{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
    VkPhysicalDeviceProperties2 props{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &driver};
    vkGetPhysicalDeviceProperties2(ctx->physical_device(), &props);
    report.vulkan_driver = std::string(driver.driverName) + " " + driver.driverInfo;
    const std::uint32_t api = ctx->properties().apiVersion;
    report.vulkan_api = std::to_string(VK_API_VERSION_MAJOR(api)) + "." + std::to_string(VK_API_VERSION_MINOR(api)) +
                        "." + std::to_string(VK_API_VERSION_PATCH(api));
    const auto cuda = interop::list_cuda_devices();
    report.cuda_driver = version_text(cuda.driver_version);
    report.cuda_runtime = version_text(cuda.runtime_version);
    report.frames = options.frames;
    report.host_wait = render::to_string(options.host_wait);
    report.upload_queue = ctx->transfer_queue() ? "transfer" : "universal";
    report.repetitions = options.repetitions;
    const auto probe = interop::probe(*ctx);

    // The sweep of frames in flight: the fill sample at ring_size, N = 1..8 with one frame per submission and with
    // batches of N, through each backend.
    std::vector<BenchMode> ring_modes;
    if (options.ring && samples)
        for (std::uint32_t n = 1; n <= 8; ++n) {
            ring_modes.push_back({"N=" + std::to_string(n) + " B=1", n, 1});
            if (n > 1)
                ring_modes.push_back({"N=" + std::to_string(n) + " B=" + std::to_string(n), n, n});
        }
    // The ways each sample is drawn (per sample, in options.samples' order): every points path for a sample whose
    // displayed output is points, else one.
    if (options.points.empty())
        core::fail_usage("cuvk-bench needs at least one way to draw points (raster, splat)");
    std::vector<std::vector<std::optional<PointsPath>>> paths;
    std::size_t configurations = ring_modes.size();
    for (const auto& sample : options.samples) {
        const auto outputs = registry.make(sample)->outputs(
            {.extent = {64, 64}, .params = resolve_params(registry.desc(sample), {}, true)});
        if (outputs.empty() || outputs.front().kind != compute::OutputKind::points)
            paths.push_back({std::nullopt});
        else
            paths.push_back({options.points.begin(), options.points.end()});
        configurations += options.sizes.size() * options.modes.size() * paths.back().size();
    }
    const std::size_t total = configurations * options.backends.size() * options.repetitions;
    std::size_t done = 0;
    // Why a backend cannot run here, asked once per backend (the gl backend's answer makes a GL context).
    std::map<Backend, std::string> unavailable_cache;
    auto unavailable_once = [&](Backend backend) -> const std::string& {
        auto it = unavailable_cache.find(backend);
        if (it == unavailable_cache.end())
            it = unavailable_cache.emplace(backend, unavailable(*ctx, backend, probe)).first;
        return it->second;
    };
    // One configuration, repeated.
    // `fastest`: run each backend its fastest way in this mode. Staging then takes batches of N/2 where the mode
    // batches all N frames, so that CUDA simulates and copies the next batch while Vulkan draws this one (a batch
    // of N leaves no slot to produce ahead into).
    auto measure = [&](const std::string& sample, core::Extent2D size, BenchMode mode, Backend backend, bool fastest,
                       std::optional<PointsPath> points) {
        if (fastest && backend == Backend::staging && mode.frames_in_flight > 1 && mode.batch == mode.frames_in_flight)
            mode.batch = mode.frames_in_flight / 2;
        BenchCase c{.sample = sample, .points = points, .size = size, .backend = backend, .mode = mode};
        c.not_run = unavailable_once(backend);
        const RunInfo info{.params = resolve_params(registry.desc(sample), {}, true),
                           .backend = backend,
                           .extent = size,
                           .frames = options.frames,
                           .frames_in_flight = mode.frames_in_flight,
                           .batch = mode.batch,
                           .points = points.value_or(PointsPath::splat),
                           .host_wait = options.host_wait,
                           .capture_last = false}; // no readback among the timed frames
        if (c.not_run.empty()) {
            try {
                // e.g. a size beyond the device; the gl backend's sizes are checked as interop's
                RunInfo checked = info;
                if (backend == Backend::gl)
                    checked.backend = Backend::interop;
                for (const auto& o : check_run(*ctx, *registry.make(sample), checked)) {
                    if (backend == Backend::gl && (o.kind != compute::OutputKind::image || o.linear))
                        c.not_run = "the gl backend draws image outputs only";
                    c.frame_bytes += o.host_bytes();
                }
            } catch (const core::Error& e) {
                if (!e.is_usage())
                    throw;
                c.not_run = e.message();
            }
        }
        std::vector<double> fps, frame, sim, sim99, draw, draw99, host, host99, lat50, lat99, latencies, floor;
        const bool with_floor = fastest && backend == Backend::interop;
        std::uint32_t ran = 0; // runs counted in `done`
        for (std::uint32_t r = 0; r < options.repetitions && c.not_run.empty(); ++r) {
            if (options.stop && options.stop->load()) {
                report.stopped = true;
                break;
            }
            RunResult result;
            try {
                if (backend == Backend::gl)
                    result = run_gl(registry.make(sample), {.params = info.params,
                                                            .extent = size,
                                                            .frames = options.frames,
                                                            .frames_in_flight = mode.frames_in_flight,
                                                            .batch = mode.batch,
                                                            .cuda_device = probe.cuda_ordinal});
                else
                    result = run_headless(*ctx, registry.make(sample), info);
            } catch (const core::Error& e) {
                if (e.is_interrupted())
                    throw;
                c.failed = !e.is_usage(); // a configuration this backend refuses is not a failure
                c.not_run = (c.failed ? "failed: " : "") + e.message();
                break;
            }
            if (c.note.empty())
                c.note = result.backend_note;
            fps.push_back(result.fps);
            frame.push_back(result.fps > 0 ? 1000.0 / result.fps : 0.0);
            sim.push_back(result.simulation.mean_ms);
            sim99.push_back(result.simulation.p99_ms);
            draw.push_back(result.draw.mean_ms);
            draw99.push_back(result.draw.p99_ms);
            host.push_back(result.host_frame.mean_ms);
            host99.push_back(result.host_frame.p99_ms);
            c.timed_frames += std::max(result.simulation.samples, result.latency.samples);
            lat50.push_back(result.latency.p50_ms);
            lat99.push_back(result.latency.p99_ms);
            latencies.insert(latencies.end(), result.latency_ms.begin(), result.latency_ms.end());
            std::string floor_text;
            if (with_floor && c.floor_not_run.empty()) {
                FloorResult f;
                try {
                    f = run_floor(*ctx, registry.make(sample),
                                  {.extent = size,
                                   .params = info.params,
                                   .frames_in_flight = mode.frames_in_flight,
                                   .batch = mode.batch,
                                   .frames = options.frames});
                } catch (const core::Error& e) { // the floor of this configuration only: the bench goes on
                    if (e.is_interrupted())
                        throw;
                    f.not_run = (e.is_usage() ? "" : "failed: ") + e.message();
                }
                c.floor_not_run = f.not_run;
                if (f.not_run.empty()) {
                    floor.push_back(f.fps);
                    floor_text = " (floor " + fixed(f.fps, 1) + ")";
                }
            }
            ++done;
            ++ran;
            if (options.progress)
                options.progress("[" + std::to_string(done) + "/" + std::to_string(total) + "] " + sample + " " +
                                 core::to_string(size) + " " + to_string(backend) + " " + mode.name + ": " +
                                 fixed(result.fps, 1) + " fps" + floor_text);
        }
        if (!c.not_run.empty()) {
            done += options.repetitions - ran;
            if (options.progress)
                options.progress("[" + std::to_string(done) + "/" + std::to_string(total) + "] " + sample + " " +
                                 core::to_string(size) + " " + to_string(backend) + " " + mode.name +
                                 (c.failed ? ": " : ": not run: ") + c.not_run);
        }
        c.fps = Figure::of(fps);
        c.frame_ms = Figure::of(frame);
        c.simulation_ms = Figure::of(sim);
        c.simulation_p99_ms = Figure::of(sim99);
        c.draw_ms = Figure::of(draw);
        c.draw_p99_ms = Figure::of(draw99);
        c.host_ms = Figure::of(host);
        c.host_p99_ms = Figure::of(host99);
        c.latency_p50_ms = Figure::of(lat50);
        c.latency_p99_ms = Figure::of(lat99);
        c.floor_fps = Figure::of(floor);
        if (!floor.empty() && c.floor_fps.median > 0)
            c.share_of_floor = c.fps.median / c.floor_fps.median;
        if (!latencies.empty()) { // nearest rank, as summarize() takes its percentiles
            std::sort(latencies.begin(), latencies.end());
            for (const double p : kLatencyPercentiles) {
                const auto rank = std::size_t(std::ceil(p / 100.0 * double(latencies.size())));
                c.latency_quantiles_ms.push_back(
                    latencies[std::min(latencies.size(), std::max<std::size_t>(rank, 1)) - 1]);
            }
        }
        if (c.not_run.empty() && fps.empty())
            c.not_run = "stopped before it ran";
        return c;
    };
    for (std::size_t i = 0; i < options.samples.size(); ++i)
        for (const auto& size : options.sizes)
            for (const auto& mode : options.modes)
                for (const Backend backend : options.backends)
                    for (const auto points : paths[i])
                        if (!report.stopped)
                            report.cases.push_back(measure(options.samples[i], size, mode, backend, true, points));
    for (const auto& mode : ring_modes)
        for (const Backend backend : options.backends)
            if (!report.stopped)
                report.ring.push_back(measure("fill", options.ring_size, mode, backend, false, std::nullopt));
    if (options.micro && !report.stopped) {
        if (options.progress)
            options.progress("micro-benchmarks");
        report.micro = run_micro_benchmarks(*ctx, options.micro_options);
    }
    // staging against its PCIe bound, by this run's pinned copies.
    const auto gb_per_s = [&](const std::string& name) {
        const MicroResult* r = report.micro ? report.micro->find(name) : nullptr;
        return r ? r->gb_per_s() : 0.0;
    };
    const double d2h = gb_per_s("pinned D2H"), h2d = gb_per_s("pinned H2D"),
                 both = gb_per_s("pinned D2H + H2D at once");
    // Staging's own copies: its uploads run on the last transfer queue where there is one (CopyQueue), else on the
    // universal queue (the micro-benchmarks name their results by queue).
    const std::size_t transfer_queues = report.upload_queue == "transfer" ? ctx->transfer_queues().size() : 0;
    const std::string queue =
        upload_queue_suffix(transfer_queues == 0 ? std::nullopt : std::optional<std::size_t>(transfer_queues - 1));
    const double upload = gb_per_s("Vulkan upload: host memory -> buffer" + queue),
                 beside = gb_per_s("pinned D2H + Vulkan upload at once" + queue);
    for (auto& c : report.cases) {
        if (!c.not_run.empty())
            continue;
        if (c.backend == Backend::staging && c.frame_bytes > 0 && d2h > 0 && h2d > 0 && both > 0) {
            const double gb = double(c.frame_bytes) * 1e-9;
            c.pcie_bound_fps = c.mode.frames_in_flight == 1 ? 1.0 / (gb / d2h + gb / h2d) : both / (2.0 * gb);
            c.share_of_pcie = c.fps.median / *c.pcie_bound_fps;
            if (upload > 0 && beside > 0) {
                c.copies_bound_fps =
                    c.mode.frames_in_flight == 1 ? 1.0 / (gb / d2h + gb / upload) : beside / (2.0 * gb);
                c.share_of_copies = c.fps.median / *c.copies_bound_fps;
            }
        }
        for (const auto& i : report.cases)
            if (i.backend == Backend::interop && i.not_run.empty() && i.label() == c.label() && i.size == c.size &&
                i.mode.name == c.mode.name && i.fps.median > 0)
                c.fps_ratio_to_interop = c.fps.median / i.fps.median;
    }
    return report;
}

namespace {

// One configuration as JSON: what ran, or why it did not.
nlohmann::json case_json(const BenchCase& c) {
    nlohmann::json e{{"sample", c.sample},
                     {"points", c.points ? nlohmann::json(to_string(*c.points)) : nlohmann::json()},
                     {"size", core::to_string(c.size)},
                     {"backend", to_string(c.backend)},
                     {"mode", c.mode.name},
                     {"frames_in_flight", c.mode.frames_in_flight},
                     {"batch", c.mode.batch}};
    if (!c.not_run.empty()) {
        e[c.failed ? "failed" : "not_run"] = c.not_run;
    } else {
        if (!c.note.empty())
            e["note"] = c.note;
        e["fps"] = to_json(c.fps);
        e["frame_ms"] = to_json(c.frame_ms);
        e["simulation_ms"] = {{"mean", to_json(c.simulation_ms)}, {"p99", to_json(c.simulation_p99_ms)}};
        e["draw_ms"] = {{"mean", to_json(c.draw_ms)}, {"p99", to_json(c.draw_p99_ms)}};
        e["host_ms"] = {{"mean", to_json(c.host_ms)}, {"p99", to_json(c.host_p99_ms)}};
        e["latency_ms"] = {{"p50", to_json(c.latency_p50_ms)}, {"p99", to_json(c.latency_p99_ms)}};
        e["timed_frames"] = c.timed_frames;
        if (!c.latency_quantiles_ms.empty()) {
            nlohmann::json q = nlohmann::json::object();
            for (std::size_t i = 0; i < c.latency_quantiles_ms.size(); ++i)
                q[percentile_name(kLatencyPercentiles[i])] = c.latency_quantiles_ms[i];
            e["latency_percentiles_ms"] = q;
        }
        if (c.fps_ratio_to_interop)
            e["fps_ratio_to_interop"] = *c.fps_ratio_to_interop;
        if (c.share_of_pcie)
            e["pcie"] = {{"frame_bytes", c.frame_bytes}, {"bound_fps", *c.pcie_bound_fps}, {"share", *c.share_of_pcie}};
        if (c.share_of_copies)
            e["pcie"]["copies"] = {{"bound_fps", *c.copies_bound_fps}, {"share", *c.share_of_copies}};
        if (c.share_of_floor)
            e["floor"] = {{"fps", to_json(c.floor_fps)}, {"share", *c.share_of_floor}};
        else if (!c.floor_not_run.empty())
            e["floor"] = {{"not_run", c.floor_not_run}};
    }
    return e;
}

nlohmann::json micro_json(const MicroReport& m) {
    nlohmann::json j = nlohmann::json::object();
    if (!m.not_run.empty())
        j["not_run"] = m.not_run;
    auto& results = j["results"] = nlohmann::json::array();
    for (const auto& r : m.results) {
        nlohmann::json e{{"group", r.group}, {"name", r.name}};
        if (!r.not_run.empty()) {
            e["not_run"] = r.not_run;
        } else {
            e["iterations"] = r.iterations;
            e["us"] = {{"p50", r.p50_us}, {"p99", r.p99_us}, {"mean", r.mean_us}};
            e["cpu_us"] = r.cpu_us;
            if (r.bytes > 0) {
                e["bytes"] = r.bytes;
                e["gb_per_s"] = r.gb_per_s();
            }
        }
        results.push_back(e);
    }
    auto& derived = j["derived"] = nlohmann::json::array();
    for (const auto& d : m.derived)
        derived.push_back({{"name", d.name}, {"value", d.value}, {"unit", d.unit}, {"how", d.how}});
    return j;
}

} // namespace

std::size_t BenchReport::failures() const {
    const auto failed = [](const BenchCase& c) { return c.failed; };
    return std::size_t(std::count_if(cases.begin(), cases.end(), failed) +
                       std::count_if(ring.begin(), ring.end(), failed));
}

std::string BenchReport::json() const {
    nlohmann::json j;
    j["tool"] = "cuvk-bench";
    j["machine"] = {{"host", host}, {"cpu", cpu}};
    j["gpu"] = gpu;
    j["vulkan"] = {{"driver", vulkan_driver}, {"api", vulkan_api}};
    j["cuda"] = {{"driver", cuda_driver}, {"runtime", cuda_runtime}};
    j["frames_per_run"] = frames;
    j["repetitions"] = repetitions;
    j["host_wait"] = host_wait;
    j["upload_queue"] = upload_queue;
    j["stopped"] = stopped;
    auto& out = j["cases"] = nlohmann::json::array();
    for (const auto& c : cases)
        out.push_back(case_json(c));
    auto& ring_out = j["ring"] = nlohmann::json::array();
    for (const auto& c : ring)
        ring_out.push_back(case_json(c));
    if (micro)
        j["micro"] = micro_json(*micro);
    return j.dump(2) + "\n";
}

std::string BenchReport::markdown() const {
    std::ostringstream out;
    out << "cuvk-bench on " << gpu << " (Vulkan driver " << vulkan_driver << ", CUDA " << cuda_driver << "), " << frames
        << " frames per run, median of " << repetitions << " runs, the host waiting on fences by " << host_wait
        << ", uploads (staging, cpu) on the " << upload_queue << " queue.\n";
    std::vector<std::string> modes;
    std::vector<Backend> backends;
    for (const auto& c : cases) {
        if (std::find(modes.begin(), modes.end(), c.mode.name) == modes.end())
            modes.push_back(c.mode.name);
        if (std::find(backends.begin(), backends.end(), c.backend) == backends.end())
            backends.push_back(c.backend);
    }
    for (const auto& mode : modes) {
        const BenchCase* any = nullptr;
        std::string staging_batch;
        for (const auto& c : cases)
            if (c.mode.name == mode) {
                any = any ? any : &c;
                if (c.backend == Backend::staging && c.mode.batch != any->mode.batch)
                    staging_batch = ", staging B=" + std::to_string(c.mode.batch);
            }
        out << "\n**" << mode << "** (N=" << any->mode.frames_in_flight << ", B=" << any->mode.batch << staging_batch
            << "): fps (ratio to interop; for interop, its share of the floor: the same GPU work through a minimal "
               "ring of raw semaphores); frame latency p50 / p99, from the host starting a frame to the GPU "
               "finishing it, over the timed frames: one in each batch (RingInfo::timed_every)";
        out << "\n\n| sample | size |";
        for (const Backend b : backends)
            out << " " << to_string(b) << " |";
        out << "\n|---|---|";
        for (std::size_t i = 0; i < backends.size(); ++i)
            out << "---:|";
        out << "\n";
        std::vector<std::pair<std::string, core::Extent2D>> rows;
        for (const auto& c : cases)
            if (c.mode.name == mode && std::find(rows.begin(), rows.end(), std::pair{c.label(), c.size}) == rows.end())
                rows.emplace_back(c.label(), c.size);
        for (const auto& [sample, size] : rows) {
            out << "| " << sample << " | " << core::to_string(size) << " |";
            for (const Backend b : backends) {
                std::string cell = "—";
                for (const auto& c : cases)
                    if (c.mode.name == mode && c.label() == sample && c.size == size && c.backend == b) {
                        if (!c.not_run.empty())
                            cell = c.failed ? "failed" : "not run";
                        else
                            cell = fixed(c.fps.median, 0) +
                                   (c.fps_ratio_to_interop && b != Backend::interop
                                        ? " (" + fixed(*c.fps_ratio_to_interop, 2) + "x)"
                                        : "") +
                                   (c.share_of_floor ? " (" + fixed(100.0 * *c.share_of_floor, 0) + "% of floor " +
                                                           fixed(c.floor_fps.median, 0) + ")"
                                                     : "") +
                                   (c.share_of_pcie ? " (" + fixed(100.0 * *c.share_of_pcie, 0) + "% of PCIe " +
                                                          fixed(*c.pcie_bound_fps, 0) +
                                                          (c.share_of_copies
                                                               ? ", " + fixed(100.0 * *c.share_of_copies, 0) +
                                                                     "% of its copies' " + fixed(*c.copies_bound_fps, 0)
                                                               : std::string()) +
                                                          ")"
                                                    : "") +
                                   (c.latency_p50_ms.median > 0 ? "; " + fixed(c.latency_p50_ms.median, 2) + " / " +
                                                                      fixed(c.latency_p99_ms.median, 2) + " ms"
                                                                : "");
                    }
                out << " " << cell << " |";
            }
            out << "\n";
        }
    }
    // The ring's cost per frame against frames in flight.
    const auto ring_ms = [&](Backend b, std::uint32_t n, bool batched) -> std::string {
        for (const auto& c : ring)
            if (c.backend == b && c.mode.frames_in_flight == n && (c.mode.batch > 1) == batched)
                return c.not_run.empty() ? fixed(c.frame_ms.median, 3) : (c.failed ? "failed" : "not run");
        return "—";
    };
    if (!ring.empty()) {
        std::vector<Backend> ring_backends;
        for (const auto& c : ring)
            if (std::find(ring_backends.begin(), ring_backends.end(), c.backend) == ring_backends.end())
                ring_backends.push_back(c.backend);
        out << "\n**ring** (fill at " << core::to_string(ring.front().size)
            << "): ms per frame with N frames in flight, one frame per submission / batches of N\n\n| N |";
        for (const Backend b : ring_backends)
            out << " " << to_string(b) << " |";
        out << "\n|---|";
        for (std::size_t i = 0; i < ring_backends.size(); ++i)
            out << "---:|";
        out << "\n";
        for (std::uint32_t n = 1; n <= 8; ++n) {
            out << "| " << n << " |";
            for (const Backend b : ring_backends)
                out << " " << ring_ms(b, n, false) << (n > 1 ? " / " + ring_ms(b, n, true) : std::string()) << " |";
            out << "\n";
        }
    }
    if (micro) {
        out << "\n**micro-benchmarks** (time per iteration, p50 / p99; CPU time of the calling thread per iteration)";
        if (!micro->not_run.empty())
            out << ": those of CUDA not run: " << micro->not_run;
        out << "\n";
        if (!micro->results.empty())
            out << "\n| group | what | p50 us | p99 us | CPU us | GB/s |\n|---|---|---:|---:|---:|---:|\n";
        for (const auto& r : micro->results) {
            if (!r.not_run.empty()) {
                out << "| " << r.group << " | " << r.name << " | not run: " << r.not_run << " | | | |\n";
                continue;
            }
            out << "| " << r.group << " | " << r.name << " | " << fixed(r.p50_us, 1) << " | " << fixed(r.p99_us, 1)
                << " | " << fixed(r.cpu_us, 1) << " | " << (r.bytes > 0 ? fixed(r.gb_per_s(), 1) : "") << " |\n";
        }
        for (const auto& d : micro->derived)
            out << "\n- " << d.name << ": **" << fixed(d.value, d.unit == "x" ? 2 : 1)
                << (d.unit == "x" ? "x" : " " + d.unit) << "** (" << d.how << ")";
        if (!micro->derived.empty())
            out << "\n";
    }
    return out.str();
}

void check_bench_output(const std::string& dir) {
    std::error_code ec;
    fs::path p = fs::absolute(dir, ec);
    if (fs::exists(p, ec) && !fs::is_directory(p, ec))
        core::fail_usage("--out " + dir + " exists and is not a directory");
    while (!p.empty() && !fs::exists(p, ec) && p != p.parent_path())
        p = p.parent_path(); // the nearest part that exists must be a directory we may write into
    if (!fs::is_directory(p, ec) || ::access(p.c_str(), W_OK | X_OK) != 0)
        core::fail_usage("cannot create the output directory " + dir + ": " + p.string() +
                         " is not a writable directory");
}

void write_bench_outputs(const BenchReport& report, const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        core::fail("cannot create the output directory: " + ec.message(), dir);
    // One plot per sample: fps against size, a line per backend and mode.
    std::vector<std::string> samples;
    for (const auto& c : report.cases)
        if (std::find(samples.begin(), samples.end(), c.sample) == samples.end())
            samples.push_back(c.sample);
    std::vector<std::pair<std::string, render::Pixels>> plots;
    for (const auto& sample : samples) {
        PlotInfo info{.title = sample + ": frames per second on " + report.gpu, .y_label = "fps (log)"};
        std::vector<core::Extent2D> sizes;
        for (const auto& c : report.cases)
            if (c.sample == sample && std::find(sizes.begin(), sizes.end(), c.size) == sizes.end())
                sizes.push_back(c.size);
        for (const auto& s : sizes)
            info.x_ticks.push_back(core::to_string(s));
        std::vector<PlotSeries> series;
        for (const auto& c : report.cases) {
            if (c.sample != sample)
                continue;
            const std::string label = std::string(to_string(c.backend)) + " " + c.mode.name +
                                      (c.points ? std::string(" ") + to_string(*c.points) : std::string());
            auto it = std::find_if(series.begin(), series.end(), [&](auto& s) { return s.label == label; });
            if (it == series.end()) {
                series.push_back({label, std::vector<double>(sizes.size(), std::nan(""))});
                it = series.end() - 1;
            }
            const auto i = std::size_t(std::find(sizes.begin(), sizes.end(), c.size) - sizes.begin());
            if (c.not_run.empty())
                it->values[i] = c.fps.median;
        }
        plots.emplace_back("fps-" + sample + ".png", plot_lines(info, series));
        // The latency distribution at the largest size where anything was measured.
        const BenchCase* largest = nullptr;
        for (const auto& c : report.cases)
            if (c.sample == sample && !c.latency_quantiles_ms.empty() &&
                (!largest || c.size.pixels() > largest->size.pixels()))
                largest = &c;
        if (!largest)
            continue;
        PlotInfo latency{.title = sample + " " + core::to_string(largest->size) + ": frame latency by percentile",
                         .y_label = "ms (log)"};
        for (const double p : kLatencyPercentiles)
            latency.x_ticks.push_back(percentile_name(p));
        std::vector<PlotSeries> lines;
        for (const auto& c : report.cases)
            if (c.sample == sample && c.size == largest->size && !c.latency_quantiles_ms.empty())
                lines.push_back({std::string(to_string(c.backend)) + " " + c.mode.name +
                                     (c.points ? std::string(" ") + to_string(*c.points) : std::string()),
                                 c.latency_quantiles_ms});
        plots.emplace_back("latency-" + sample + ".png", plot_lines(latency, lines));
    }
    if (!report.ring.empty()) { // ms per frame against frames in flight
        PlotInfo info{.title = "fill " + core::to_string(report.ring.front().size) +
                               ": ms per frame against frames in flight",
                      .y_label = "ms (log)",
                      .x_ticks = {"1", "2", "3", "4", "5", "6", "7", "8"}};
        std::vector<PlotSeries> series;
        for (const auto& c : report.ring) {
            const bool batched = c.mode.batch > 1 || c.mode.frames_in_flight == 1;
            for (const bool line_batched : {false, true}) {
                if (c.mode.frames_in_flight > 1 && batched != line_batched)
                    continue;
                const std::string label = std::string(to_string(c.backend)) + (line_batched ? " B=N" : " B=1");
                auto it = std::find_if(series.begin(), series.end(), [&](auto& s) { return s.label == label; });
                if (it == series.end()) {
                    series.push_back({label, std::vector<double>(8, std::nan(""))});
                    it = series.end() - 1;
                }
                if (c.not_run.empty())
                    it->values[c.mode.frames_in_flight - 1] = c.frame_ms.median;
            }
        }
        plots.emplace_back("ring.png", plot_lines(info, series));
    }
    if (report.micro) { // round trip against resources shared per frame: interop and CUDA-GL
        PlotInfo info{.title = "round trip against images shared per frame", .y_label = "us (log)"};
        std::vector<PlotSeries> series;
        for (const std::string path : {"interop", "CUDA-GL"}) {
            PlotSeries s{path, {}};
            bool any = false;
            for (const std::uint32_t count : kResourceCounts) {
                const auto name = resources_result_name(path, count);
                const auto it = std::find_if(report.micro->results.begin(), report.micro->results.end(),
                                             [&](const MicroResult& r) { return r.name == name; });
                const bool ran = it != report.micro->results.end() && it->not_run.empty() && it->p50_us > 0;
                s.values.push_back(ran ? it->p50_us : std::nan(""));
                any = any || ran;
            }
            if (any)
                series.push_back(std::move(s));
        }
        for (const std::uint32_t count : kResourceCounts)
            info.x_ticks.push_back(std::to_string(count));
        if (!series.empty())
            plots.emplace_back("resources.png", plot_lines(info, series));
    }
    write_file(fs::path(dir) / "bench.json", report.json());
    write_file(fs::path(dir) / "bench.md", report.markdown());
    for (const auto& [name, pixels] : plots)
        render::write_png((fs::path(dir) / name).string(), pixels);
}

} // namespace cuvk::engine
