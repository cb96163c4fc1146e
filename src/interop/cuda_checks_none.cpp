// The CUDA halves of cuvk-stress's checks in a build without CUDA. No CudaDevice exists there (select_cuda_device
// throws), so the callers never reach these; each still answers plainly.
#include "cuda_checks.hpp"
#include "second_process.hpp"

#include "cuvk/core/error.hpp"

#include <unistd.h>

namespace cuvk::interop {
namespace detail {
constexpr const char* kNoCuda = "cuvk was built without CUDA (nvcc was not found)";

void cuda_churn_cycle(const render::Context&, const CudaDevice&, std::uint32_t) {
    core::fail(kNoCuda);
}
bool cuda_failing_import(const CudaDevice&) {
    core::fail(kNoCuda);
}
std::int64_t cuda_used_bytes(const CudaDevice&) {
    return -1;
}
std::vector<FaultCheck> cuda_fault_checks(const render::Context&, const CudaDevice&) {
    return {{.name = "CUDA imports", .tried = false, .message = kNoCuda}};
}
std::vector<ConformanceCheck> cuda_conformance_checks(const render::Context&, const render::Context&, const CudaDevice&,
                                                      const std::string&) {
    return {{"CUDA imports and semaphores", Conformance::not_supported, kNoCuda}};
}

std::string child_cuda_import(core::UniqueFd, const ImportRequest&) {
    return kNoCuda;
}
std::string child_backwards_timeline(const ImportRequest&) {
    return kNoCuda;
}

} // namespace detail

void run_cuda_conformance(ConformanceReport& report, const render::Context& ctx, const render::Context& second,
                          const CudaDevice& cuda, const std::string& child_command) {
    for (auto& c : detail::cuda_conformance_checks(ctx, second, cuda, child_command))
        report.checks.push_back(std::move(c));
}

} // namespace cuvk::interop
