#include "cuvk/interop/shared_semaphore.hpp"

#include "cuvk/compute/check.hpp"

namespace cuvk::interop {
namespace {

UniqueExternalSemaphore import_semaphore(const ExportedSemaphore& exported, cudaExternalSemaphoreHandleType type) {
    core::UniqueFd fd = exported.export_fd();
    cudaExternalSemaphoreHandleDesc desc{};
    desc.type = type;
    desc.handle.fd = fd.get();
    cudaExternalSemaphore_t semaphore = nullptr;
    CUVK_CUDA(cudaImportExternalSemaphore(&semaphore, &desc), exported.name());
    (void)fd.release(); // CUDA owns the fd after a successful import
    return UniqueExternalSemaphore(semaphore);
}

void signal(cudaExternalSemaphore_t semaphore, std::uint64_t value, cudaStream_t stream, const std::string& name) {
    cudaExternalSemaphoreSignalParams params{};
    params.params.fence.value = value;
    CUVK_CUDA(cudaSignalExternalSemaphoresAsync(&semaphore, &params, 1, stream), name);
}

void wait(cudaExternalSemaphore_t semaphore, std::uint64_t value, cudaStream_t stream, const std::string& name) {
    cudaExternalSemaphoreWaitParams params{};
    params.params.fence.value = value;
    CUVK_CUDA(cudaWaitExternalSemaphoresAsync(&semaphore, &params, 1, stream), name);
}

} // namespace

SharedTimeline SharedTimeline::create(const render::Context& ctx, const CudaDevice& cuda, core::TimelineValue initial,
                                      const std::string& name) {
    const ScopedCudaDevice current(cuda.ordinal, name);
    SharedTimeline out;
    out.exported_ =
        ExportedSemaphore::create(ctx, {.kind = SemaphoreKind::timeline, .initial_value = initial.value, .name = name});
    out.cuda_ = import_semaphore(out.exported_, cudaExternalSemaphoreHandleTypeTimelineSemaphoreFd);
    return out;
}

void SharedTimeline::host_signal_at_least(core::TimelineValue value) const {
    exported_.host_signal_at_least(value.value);
}

void SharedTimeline::import_cuda(const CudaDevice& cuda) {
    const ScopedCudaDevice current(cuda.ordinal, name());
    cuda_.reset();
    cuda_ = import_semaphore(exported_, cudaExternalSemaphoreHandleTypeTimelineSemaphoreFd);
}

void SharedTimeline::cuda_signal(cudaStream_t stream, core::TimelineValue value) const {
    signal(cuda_.get(), value.value, stream, name());
}

void SharedTimeline::cuda_wait(cudaStream_t stream, core::TimelineValue value) const {
    wait(cuda_.get(), value.value, stream, name());
}

SharedBinarySemaphore SharedBinarySemaphore::create(const render::Context& ctx, const CudaDevice& cuda,
                                                    const std::string& name) {
    const ScopedCudaDevice current(cuda.ordinal, name);
    SharedBinarySemaphore out;
    out.exported_ = ExportedSemaphore::create(ctx, {.kind = SemaphoreKind::binary, .name = name});
    out.cuda_ = import_semaphore(out.exported_, cudaExternalSemaphoreHandleTypeOpaqueFd);
    return out;
}

void SharedBinarySemaphore::cuda_signal(cudaStream_t stream) const {
    signal(cuda_.get(), 0, stream, name());
}
void SharedBinarySemaphore::cuda_wait(cudaStream_t stream) const {
    wait(cuda_.get(), 0, stream, name());
}

} // namespace cuvk::interop
