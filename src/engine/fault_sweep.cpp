#include "cuvk/engine/fault_sweep.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/core/fault_injection.hpp"
#include "cuvk/engine/stress_runner.hpp"
#include "cuvk/interop/churn.hpp"
#include "cuvk/interop/exported_memory.hpp"
#include "cuvk/interop/extensions.hpp"
#include "cuvk/interop/handoff.hpp"
#include "cuvk/interop/probe.hpp"
#include "cuvk/interop/vulkan_import.hpp"
#include "cuvk/render/commands.hpp"
#include "cuvk/render/frame_verifier.hpp"

#include <algorithm>
#include <cstdlib>
#include <dirent.h>
#include <iterator>
#include <mutex>
#include <set>
#include <sstream>
#include <unistd.h>

namespace cuvk::engine {
namespace {

constexpr std::int64_t kDeviceSlack = 4 << 20; // allocator pools may keep this much

struct Before {
    std::int64_t fds = 0, device = -1;
};

// What the open fds refer to (readlink of /proc/self/fd/N), for naming what a run left open.
std::multiset<std::string> fd_targets() {
    std::multiset<std::string> out;
    DIR* dir = ::opendir("/proc/self/fd");
    if (!dir)
        return out;
    const int own = ::dirfd(dir);
    while (const dirent* e = ::readdir(dir)) {
        if (e->d_name[0] == '.' || std::atoi(e->d_name) == own)
            continue;
        char target[512];
        const std::string link = std::string("/proc/self/fd/") + e->d_name;
        const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
        out.insert(n > 0 ? std::string(target, std::size_t(n)) : std::string("?"));
    }
    ::closedir(dir);
    return out;
}

// The targets in `after` beyond those in `before`, comma-separated (at most a few).
std::string new_targets(const std::multiset<std::string>& before, const std::multiset<std::string>& after) {
    std::vector<std::string> extra;
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(extra));
    std::string out;
    for (std::size_t i = 0; i < extra.size() && i < 6; ++i)
        out += (out.empty() ? "" : ", ") + extra[i];
    return extra.size() > 6 ? out + ", ..." : out;
}

} // namespace

std::string FaultSweepResult::describe() const {
    std::ostringstream out;
    out << injected << " runs with one of " << calls << " checked calls failing: " << errors << " ended by the error, "
        << handled << " handled inside; " << problems.size() << " problems";
    for (const auto& p : problems)
        out << "\n  " << p;
    return out.str();
}

FaultSweepResult run_fault_sweep(const FaultSweepInfo& info) {
    if (!core::FaultInjection::available())
        core::fail("fault injection is not built in (configure with -DCUVK_FAULT_INJECTION=ON)");
    CUVK_ASSERT(info.workload && info.stride >= 1, "a sweep needs a workload and a stride of at least 1");
    auto progress = [&](const char* step) {
        if (info.progress)
            info.progress(step);
    };
    FaultSweepResult result;
    // The clean run counts the calls (armed beyond reach) and warms up what stays loaded (driver, caches).
    progress("fault sweep: clean run");
    core::FaultInjection::arm(~std::uint64_t(0));
    std::vector<std::string> clean_messages;
    info.workload(clean_messages);
    result.calls = core::FaultInjection::calls();
    core::FaultInjection::disarm();
    for (const auto& m : clean_messages)
        result.problems.push_back("clean run: " + m);

    const auto measure = [&] {
        return Before{.fds = interop::open_fd_count(), .device = info.device_memory ? info.device_memory() : -1};
    };
    // Open fds are judged over the runs that follow: drivers keep some per-process state opened by one run (NVIDIA's
    // pre-instance calls, say) and close it in a later one. A run that raises the count is held as a suspect until
    // the count falls back to where it was; suspects left after a final clean run leaked for good.
    struct Suspect {
        std::uint64_t call;
        std::int64_t fds_before;
        std::string ended, opened;
    };
    std::vector<Suspect> suspects;
    std::int64_t fds = measure().fds;
    const auto settle = [&](std::int64_t now) {
        while (!suspects.empty() && now <= suspects.back().fds_before)
            suspects.pop_back();
    };
    std::string last_ended; // how the last run with a failure injected ended
    for (std::uint64_t n = 1; n <= result.calls; n += info.stride) {
        if (info.stop && info.stop())
            break;
        progress("fault sweep: injected run");
        const Before before = measure();
        const auto targets_before = fd_targets();
        std::string ended = "no error reached the caller";
        std::vector<std::string> messages;
        core::FaultInjection::arm(n);
        try {
            info.workload(messages);
        } catch (const core::Error& e) {
            ended = e.message();
        } catch (const std::exception& e) {
            ended = e.what();
            result.problems.push_back("call " + std::to_string(n) + ": not a cuvk::Error: " + ended);
        }
        const bool fired = core::FaultInjection::fired();
        core::FaultInjection::disarm();
        if (!fired) {
            // The workload made fewer calls this time: past the sweep's end when it finished, but when it failed by
            // itself, what an earlier injected failure did broke the driver or the process for the runs after it.
            if (ended != "no error reached the caller")
                result.problems.push_back(
                    "call " + std::to_string(n) + ": the run failed by itself (" + ended.substr(0, 200) + ") " +
                    (result.injected == 0 ? std::string("before any failure was injected")
                                          : "after the injected failure at call " + std::to_string(n - info.stride) +
                                                " (" + last_ended.substr(0, 200) + ")") +
                    "; the sweep stopped there");
            break;
        }
        ++result.injected;
        last_ended = ended;
        if (ended == "no error reached the caller")
            ++result.handled;
        else
            ++result.errors;
        const Before after = measure();
        const std::string where = "call " + std::to_string(n) + " (" + ended.substr(0, 160) + "): ";
        settle(after.fds);
        if (after.fds > fds)
            suspects.push_back({n, fds, ended.substr(0, 160), new_targets(targets_before, fd_targets())});
        fds = after.fds;
        if (before.device >= 0 && after.device - before.device > kDeviceSlack)
            result.problems.push_back(where + std::to_string(after.device - before.device) +
                                      " bytes of device memory left allocated");
        for (const auto& m : messages)
            result.problems.push_back(where + "validation: " + m.substr(0, 300));
    }
    progress("fault sweep: final clean run");
    std::vector<std::string> final_messages;
    try {
        info.workload(final_messages);
    } catch (const std::exception& e) { // the process cannot do after the sweep what it did before it
        result.problems.push_back(std::string("final clean run failed: ") + e.what());
    }
    settle(measure().fds);
    for (const auto& s : suspects)
        result.problems.push_back("call " + std::to_string(s.call) + " (" + s.ended + "): fds left open (" +
                                  std::to_string(measure().fds - s.fds_before) +
                                  " more than before it, still after "
                                  "the runs that followed: " +
                                  s.opened + ")");
    return result;
}

SweepWorkload sharing_workload(const std::string& device, bool cuda) {
    return [device, cuda](std::vector<std::string>& messages) {
        // The caller's vector outlives the contexts: the object tracker speaks while a device dies.
        auto mutex = std::make_shared<std::mutex>();
        render::ContextInfo info = interop::with_interop_extensions({.app_name = "cuvk-stress sweep"});
        info.validation = render::Validation::required;
        info.sync_validation = false; // the object tracker is what the sweep needs; keep each run short
        info.device = device;
        info.compute_queue = true;
        info.log = [&messages, mutex](core::LogLevel level, std::string_view text) {
            if (level == core::LogLevel::error || level == core::LogLevel::warning) {
                const std::lock_guard lock(*mutex);
                messages.emplace_back(text);
            }
        };
        {
            const auto ctx = render::Context::create(info);
            const auto second = render::Context::create(info);
            const auto buffer = interop::ExportedBuffer::create(*ctx, {.size = 65536, .name = "sweep.buffer"});
            (void)interop::import_buffer(*second, buffer.export_fd(), {.size = 65536, .name = "sweep.imported"});
            const auto image = interop::ExportedImage::create(*ctx, {.extent = {67, 43}, .name = "sweep.image"});
            auto verifier = render::FrameVerifier::create(*ctx, {.max_bindings = 2, .name = "sweep.verifier"});
            const VkDescriptorSet set = verifier.bind(image.image());
            render::submit_and_wait(
                *ctx,
                [&](VkCommandBuffer cmd) {
                    interop::prepare_for_external(cmd, image.get(), ctx->queue_family());
                    interop::acquire_from_external(cmd, image.get(), ctx->queue_family(),
                                                   VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                                   VK_ACCESS_2_SHADER_STORAGE_READ_BIT);
                    verifier.record_check(cmd, set, 1);
                },
                "sweep.check");
            (void)verifier.totals();
            if (cuda && interop::probe(*ctx).available()) {
                const auto paired = interop::select_cuda_device(*ctx);
                StressRunner runner(*ctx, paired, {.name = "sweep"});
                StressPhase phase;
                phase.producer = StressProducer::graph;
                phase.consumer = StressConsumer::compute;
                phase.frames_in_flight = 2;
                phase.fan_in = 2;
                phase.extent = {64, 32};
                phase.frames = 6;
                (void)runner.run(phase, 0, 16);
            }
        }
    };
}

} // namespace cuvk::engine
