// cuvk-bench's measuring loop on this device (lavapipe in CI: the cpu backend; interop and staging are kept in the
// report as not run, with the reason): every configuration repeated, figures as min/median/max, ratios to interop
// only where interop ran, and the outputs written whole.

#include "cuvk/core/error.hpp"
#include "cuvk/engine/bench.hpp"
#include "cuvk/engine/registry.hpp"
#include "cuvk/interop/probe.hpp"
#include "cuvk/render/readback.hpp"
#include "gl_backend.hpp"
#include "support/vk_fixture.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>

using namespace cuvk;

TEST(BenchFigure, MinMedianMax) {
    const auto odd = engine::Figure::of({3, 1, 2});
    EXPECT_EQ(odd.min, 1);
    EXPECT_EQ(odd.median, 2);
    EXPECT_EQ(odd.max, 3);
    EXPECT_EQ(engine::Figure::of({4, 1, 2, 3}).median, 2.5);
    EXPECT_EQ(engine::Figure::of({}).median, 0);
}

TEST(Bench, BadOptionsAreUsageErrors) {
    auto usage = [](engine::BenchOptions o) {
        try {
            (void)engine::run_bench(o);
        } catch (const core::Error& e) {
            return e.is_usage();
        }
        return false;
    };
    auto o = engine::quick_bench_options();
    o.repetitions = 0;
    EXPECT_TRUE(usage(o));
    o = engine::quick_bench_options();
    o.frames = 8; // throughput mode has 8 frames in flight
    EXPECT_TRUE(usage(o));
    o = engine::quick_bench_options();
    o.samples = {"no-such-sample"};
    EXPECT_TRUE(usage(o));
    o = engine::quick_bench_options();
    o.modes = {{"deep", 9, 1}};
    EXPECT_TRUE(usage(o));
    o = engine::quick_bench_options();
    o.micro_options.bytes = 1000; // not a multiple of 64 KiB
    EXPECT_TRUE(usage(o));
    o = engine::quick_bench_options();
    o.micro_options.groups = {"pcie", "no-such-group"};
    EXPECT_TRUE(usage(o));
    o = engine::quick_bench_options();
    o.samples.clear();
    o.micro = false; // nothing left to run
    EXPECT_TRUE(usage(o));
}

class BenchTest : public test::VulkanTest {};

TEST_F(BenchTest, EveryConfigurationIsMeasuredOrSaysWhyNot) {
    auto o = engine::quick_bench_options();
    o.samples = {"gray-scott"};
    o.sizes = {{160, 90}, {16385, 16}}; // the second is wider than lavapipe's images may be
    o.backends = {engine::Backend::cpu, engine::Backend::interop};
    o.repetitions = 2;
    o.ring = false;  // RingSweep below
    o.micro = false; // MicroBenchmarks... below
    const bool lavapipe = ctx().device_name().find("llvmpipe") != std::string::npos;
    std::vector<std::string> lines;
    o.progress = [&](const std::string& line) { lines.push_back(line); };
    const auto report = engine::run_bench(o);
    ASSERT_EQ(report.cases.size(), 2u * 2u * 2u); // sizes x modes x backends
    std::size_t expected_lines = 0;
    for (const auto& c : report.cases)
        expected_lines += c.not_run.empty() ? o.repetitions : 1;
    EXPECT_EQ(lines.size(), expected_lines) << "a progress line per run, and one per configuration not run";
    for (const auto& c : report.cases) {
        SCOPED_TRACE(std::string(engine::to_string(c.backend)) + " " + c.mode.name + " " + core::to_string(c.size));
        if (c.size.width > 16384 && lavapipe) {
            EXPECT_NE(c.not_run, "") << "too wide for the device: reported, not run";
            continue;
        }
        if (c.backend == engine::Backend::interop && lavapipe) {
            EXPECT_NE(c.not_run.find("VK_KHR_external_semaphore_fd"), std::string::npos) << c.not_run;
            continue;
        }
        if (!c.not_run.empty())
            continue; // another device may lack CUDA
        EXPECT_GT(c.fps.min, 0);
        EXPECT_LE(c.fps.min, c.fps.median);
        EXPECT_LE(c.fps.median, c.fps.max);
        EXPECT_NEAR(c.frame_ms.median * c.fps.median, 1000.0, 1000.0 * (c.fps.max / c.fps.min - 1) + 1e-6);
        EXPECT_GT(c.simulation_ms.median, 0);
        EXPECT_EQ(c.fps_ratio_to_interop.has_value(), !lavapipe) << "a ratio only where interop ran";
        if (!c.latency_quantiles_ms.empty()) { // the device calibrates timestamps (lavapipe does)
            ASSERT_EQ(c.latency_quantiles_ms.size(), std::size(engine::kLatencyPercentiles));
            EXPECT_TRUE(std::is_sorted(c.latency_quantiles_ms.begin(), c.latency_quantiles_ms.end()));
            EXPECT_GT(c.latency_quantiles_ms.front(), 0.0);
            EXPECT_LE(c.latency_p50_ms.min, c.latency_p99_ms.max);
        }
    }
    // The outputs: whole, parseable, and saying what ran.
    const auto dir = std::filesystem::path(::testing::TempDir()) / "bench-test";
    std::filesystem::remove_all(dir);
    engine::write_bench_outputs(report, dir.string());
    std::ifstream json_file(dir / "bench.json");
    const auto j = nlohmann::json::parse(json_file);
    EXPECT_EQ(j["gpu"], ctx().device_name());
    EXPECT_EQ(j["cases"].size(), report.cases.size());
    EXPECT_EQ(j["cases"][0]["fps"]["median"].get<double>(), report.cases[0].fps.median);
    std::ifstream md(dir / "bench.md");
    const std::string table((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
    EXPECT_NE(table.find("| gray-scott | 160x90 |"), std::string::npos) << table;
    const auto plot = render::read_png((dir / "fps-gray-scott.png").string());
    EXPECT_EQ(plot.extent, (core::Extent2D{960, 540}));
    const bool calibrated = !report.cases[0].latency_quantiles_ms.empty();
    EXPECT_EQ(std::filesystem::exists(dir / "latency-gray-scott.png"), calibrated);
    if (calibrated)
        EXPECT_TRUE(j["cases"][0]["latency_percentiles_ms"].contains("p99.9")) << j["cases"][0].dump();
}

TEST_F(BenchTest, TheRingSweepCoversEveryDepthWithAndWithoutBatches) {
    auto o = engine::quick_bench_options();
    o.samples = {"fill"};
    o.sizes = {{64, 48}};
    o.modes = {{"latency", 1, 1}};
    o.repetitions = 1;
    o.ring_size = {96, 64};
    const auto report = engine::run_bench(o);
    ASSERT_EQ(report.ring.size(), 15u); // N = 1..8 with B = 1, and N = 2..8 with B = N
    for (const auto& c : report.ring) {
        EXPECT_EQ(c.sample, "fill");
        EXPECT_EQ(c.size, (core::Extent2D{96, 64}));
        EXPECT_TRUE(c.not_run.empty()) << c.not_run;
        EXPECT_TRUE(c.mode.batch == 1 || c.mode.batch == c.mode.frames_in_flight) << c.mode.name;
        EXPECT_GT(c.frame_ms.median, 0.0);
    }
    const auto table = report.markdown();
    EXPECT_NE(table.find("**ring**"), std::string::npos);
    EXPECT_NE(table.find("| 8 | "), std::string::npos) << table;
    EXPECT_EQ(table.find("| 1 | —"), std::string::npos) << "N=1 is measured, not missing\n" << table;
}

// Where no CUDA device matches (lavapipe), the micro-benchmarks of CUDA are in the report as not run, with the probe's
// reasons, in bench.json and in the table, and Vulkan's uploads run alone (with the validation layer on); a micro-only
// run measures no sample.
TEST_F(BenchTest, MicroBenchmarksSayWhyTheyCannotRunHere) {
    auto o = engine::quick_bench_options();
    o.samples.clear();
    o.validation = true;
    const auto report = engine::run_bench(o);
    EXPECT_TRUE(report.cases.empty());
    EXPECT_TRUE(report.ring.empty());
    ASSERT_TRUE(report.micro.has_value());
    if (!test::interop_skip_reason(ctx()).empty()) {
        EXPECT_FALSE(report.micro->not_run.empty());
        const bool built_with_cuda = report.micro->not_run.find("built without CUDA") == std::string::npos;
        const std::size_t queues = 1 + ctx().transfer_queues().size(); // the universal queue and each transfer queue
        ASSERT_EQ(report.micro->results.size(), built_with_cuda ? 2u * queues : 0u) << "Vulkan's two uploads per queue";
        for (const auto& r : report.micro->results) {
            EXPECT_EQ(r.group, "pcie");
            EXPECT_TRUE(r.not_run.empty()) << r.name << ": " << r.not_run;
            EXPECT_GT(r.gb_per_s(), 0.0) << r.name;
        }
        EXPECT_NE(report.markdown().find("not run: " + report.micro->not_run), std::string::npos) << report.markdown();
        EXPECT_EQ(nlohmann::json::parse(report.json())["micro"]["not_run"], report.micro->not_run);
    } else {
        EXPECT_TRUE(report.micro->not_run.empty()) << report.micro->not_run;
        EXPECT_FALSE(report.micro->results.empty());
    }
}

// Asked for one group, the micro-benchmarks run that group alone: the pcie group is Vulkan's uploads (on each upload
// queue the device has) and, with CUDA, the pinned copies and the uploads beside a D2H.
TEST_F(BenchTest, MicroBenchmarksRunTheGroupsAskedFor) {
    auto o = engine::quick_bench_options();
    o.samples.clear();
    o.micro_options.groups = {"pcie"};
    const auto report = engine::run_bench(o);
    ASSERT_TRUE(report.micro.has_value());
    std::set<std::string> names;
    for (const auto& r : report.micro->results) {
        EXPECT_EQ(r.group, "pcie") << r.name;
        names.insert(r.name);
    }
    if (report.micro->not_run.find("built without CUDA") != std::string::npos) {
        EXPECT_TRUE(names.empty()) << "a build without CUDA measures nothing";
        return;
    }
    const std::size_t queues = 1 + ctx().transfer_queues().size(); // the universal queue and each transfer queue
    EXPECT_TRUE(names.count("Vulkan upload: host memory -> 4K image"));
    if (queues > 1)
        EXPECT_TRUE(names.count("Vulkan upload: host memory -> 4K image (transfer queue)"));
    if (report.micro->not_run.empty()) { // with CUDA: three pinned copies, an upload beside a D2H per queue
        EXPECT_EQ(names.size(), 2 * queues + 3 + queues);
        EXPECT_TRUE(names.count("pinned D2H + Vulkan upload at once"));
    } else {
        EXPECT_EQ(names.size(), 2 * queues);
    }
}

// staging against its PCIe bound: where CUDA runs, each staging case gets the bound its bytes per frame allow by
// this run's pinned copies (one frame at a time: D2H then H2D; deeper rings: both at once) and its share of it, and
// the same by the copies staging makes (a CUDA D2H and a Vulkan upload on the queue it uses).
TEST_F(BenchTest, StagingIsSetAgainstItsPcieBound) {
    if (auto why = test::interop_skip_reason(ctx()); !why.empty())
        GTEST_SKIP() << "staging needs CUDA: " << why;
    auto o = engine::quick_bench_options();
    o.samples = {"fill"};
    o.sizes = {{640, 360}};
    o.backends = {engine::Backend::staging};
    o.ring = false;
    o.micro_options.groups = {"pcie"};
    const auto report = engine::run_bench(o);
    ASSERT_EQ(report.cases.size(), 2u);
    const auto gb = [&](const std::string& name) {
        for (const auto& r : report.micro->results)
            if (r.name == name)
                return r.gb_per_s();
        return 0.0;
    };
    for (const auto& c : report.cases) {
        ASSERT_TRUE(c.not_run.empty()) << c.not_run;
        EXPECT_EQ(c.frame_bytes, 640u * 360u * 4u) << "fill writes one RGBA8 image";
        ASSERT_TRUE(c.pcie_bound_fps && c.share_of_pcie) << c.mode.name;
        const double bytes = double(c.frame_bytes) * 1e-9;
        const double bound = c.mode.frames_in_flight == 1 ? 1.0 / (bytes / gb("pinned D2H") + bytes / gb("pinned H2D"))
                                                          : gb("pinned D2H + H2D at once") / (2 * bytes);
        EXPECT_NEAR(*c.pcie_bound_fps, bound, 1e-6 * bound) << c.mode.name;
        EXPECT_NEAR(*c.share_of_pcie, c.fps.median / bound, 1e-6) << c.mode.name;
        // By staging's own copies: the upload on the queue it uses (the last transfer queue, where there is one).
        const std::size_t transfer = report.upload_queue == "transfer" ? ctx().transfer_queues().size() : 0;
        const std::string queue = transfer == 0 ? "" : transfer == 1 ? " (transfer queue)" : " (transfer queue 2)";
        ASSERT_TRUE(c.copies_bound_fps && c.share_of_copies) << c.mode.name;
        const double copies =
            c.mode.frames_in_flight == 1
                ? 1.0 / (bytes / gb("pinned D2H") + bytes / gb("Vulkan upload: host memory -> buffer" + queue))
                : gb("pinned D2H + Vulkan upload at once" + queue) / (2 * bytes);
        EXPECT_NEAR(*c.copies_bound_fps, copies, 1e-6 * copies) << c.mode.name;
        EXPECT_NEAR(*c.share_of_copies, c.fps.median / copies, 1e-6) << c.mode.name;
        EXPECT_NE(report.markdown().find("% of its copies'"), std::string::npos);
        EXPECT_NE(report.markdown().find("% of PCIe"), std::string::npos);
    }
}

// Without interop (lavapipe) the floor says why it cannot run; bad depths are usage errors.
TEST_F(BenchTest, TheFloorSaysWhyItCannotRunHere) {
    const auto registry = engine::Registry::with_builtins();
    try {
        (void)engine::run_floor(ctx(), registry.make("fill"), {.frames_in_flight = 9});
        ADD_FAILURE() << "9 frames in flight were accepted";
    } catch (const core::Error& e) {
        EXPECT_TRUE(e.is_usage()) << e.what();
    }
    if (!test::interop_skip_reason(ctx()).empty()) {
        const auto r = engine::run_floor(
            ctx(), registry.make("fill"),
            {.extent = {64, 32}, .params = engine::resolve_params(registry.desc("fill"), {}, true), .frames = 16});
        EXPECT_FALSE(r.not_run.empty());
        EXPECT_EQ(r.fps, 0);
    }
}

// A sample whose output is points runs once per way of drawing them, each its own row; other samples once.
// One small configuration per sample, backend and way of drawing points: 64x36, latency mode, one run of 16 frames.
engine::BenchOptions one_small_run(std::vector<std::string> samples) {
    auto o = engine::quick_bench_options();
    o.samples = std::move(samples);
    o.sizes = {{64, 36}};
    o.modes = {{"latency", 1, 1}};
    o.repetitions = 1;
    o.frames = 16;
    o.ring = false;
    o.micro = false;
    return o;
}

TEST_F(BenchTest, PointsRunOncePerPath) {
    const auto o = one_small_run({"particles", "fill"});
    const auto report = engine::run_bench(o);
    ASSERT_EQ(report.cases.size(), 3u);
    std::vector<std::string> labels;
    for (const auto& c : report.cases) {
        labels.push_back(c.label());
        EXPECT_TRUE(c.not_run.empty()) << c.label() << ": " << c.not_run;
    }
    EXPECT_EQ(labels, (std::vector<std::string>{"particles (raster)", "particles (splat)", "fill"}));
    EXPECT_NE(report.markdown().find("| particles (splat) | 64x36 |"), std::string::npos) << report.markdown();
    EXPECT_EQ(nlohmann::json::parse(report.json())["cases"][1]["points"], "splat");
}

// The gl backend (CUDA-OpenGL over headless EGL) is a column of its own: without a CUDA device it says why it did not
// run; with one it runs the image samples and says why not for points (it draws image outputs only).
TEST_F(BenchTest, TheGlBackendRunsOrSaysWhyNot) {
    auto o = one_small_run({"fill", "particles"});
    o.backends = {engine::Backend::gl};
    o.points = {engine::PointsPath::raster};
    const auto report = engine::run_bench(o);
    ASSERT_EQ(report.cases.size(), 2u);
    const auto& fill = report.cases[0];
    EXPECT_EQ(fill.backend, engine::Backend::gl);
    EXPECT_FALSE(fill.failed) << fill.not_run;
    const auto cuda = interop::probe(ctx()).cuda_ordinal;
    const std::string gl_why = cuda ? engine::gl_unavailable(cuda) : "";
    if (!cuda)
        EXPECT_NE(fill.not_run.find("no CUDA device"), std::string::npos) << fill.not_run;
    else if (!gl_why.empty())
        EXPECT_EQ(fill.not_run, gl_why);
    else
        EXPECT_TRUE(fill.not_run.empty() && fill.fps.median > 0) << fill.not_run;
    EXPECT_FALSE(report.cases[1].not_run.empty()) << "points through the gl backend";
    EXPECT_FALSE(report.cases[1].failed) << report.cases[1].not_run;
    EXPECT_NE(report.markdown().find("| gl |"), std::string::npos) << report.markdown();
}

// resources.png: the round trip against images shared per frame, one line per path that ran (a report with none of
// them has no such plot).
TEST(BenchPlots, ResourcesArePlottedPerPathThatRan) {
    engine::BenchReport report;
    report.micro.emplace();
    const auto dir = std::filesystem::path(::testing::TempDir()) / "bench-resources";
    std::filesystem::remove_all(dir);
    engine::write_bench_outputs(report, dir.string());
    EXPECT_FALSE(std::filesystem::exists(dir / "resources.png")) << "nothing ran, nothing plotted";
    double us = 300.0;
    for (const std::uint32_t count : engine::kResourceCounts) {
        report.micro->results.push_back(
            {.group = "resources", .name = engine::resources_result_name("interop", count), .p50_us = us});
        report.micro->results.push_back({.group = "resources",
                                         .name = engine::resources_result_name("CUDA-GL", count),
                                         .not_run = "no headless GL context"});
        us += 1.0;
    }
    std::filesystem::remove_all(dir);
    engine::write_bench_outputs(report, dir.string());
    const auto plot = render::read_png((dir / "resources.png").string());
    EXPECT_EQ(plot.extent, (core::Extent2D{960, 540}));
    EXPECT_EQ(engine::resources_result_name("CUDA-GL", 1), "CUDA-GL, 1 resource per frame");
    EXPECT_EQ(engine::resources_result_name("interop", 64), "interop, 64 resources per frame");
}
