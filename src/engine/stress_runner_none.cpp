// StressRunner in a build without CUDA: every phase is reported not supported, saying why.
#include "cuvk/engine/stress_runner.hpp"

#include <mutex>

namespace cuvk::engine {

struct StressRunner::Live {};

StressRunner::StressRunner(const render::Context& ctx, const interop::CudaDevice& cuda, StressRunInfo info)
    : ctx_(ctx), cuda_(cuda), info_(std::move(info)) {}
StressRunner::~StressRunner() = default;

std::string StressRunner::support(SyncMode) const {
    return "cuvk was built without CUDA (nvcc was not found or CUVK_WITH_CUDA=OFF)";
}

StressPhaseResult StressRunner::run(const StressPhase&, std::uint32_t index, std::uint32_t) {
    return {.index = index, .not_supported = support(SyncMode::timeline)};
}

void StressRunner::run_lanes(std::uint32_t, const std::function<std::optional<StressJob>()>& next,
                             const std::function<void(StressPhaseResult)>& done) {
    while (auto job = next())
        done(run(job->phase, job->index, job->first_frame));
}

std::string StressRunner::probe() const {
    return "no phase runs in a build without CUDA";
}

} // namespace cuvk::engine
