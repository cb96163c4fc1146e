#include "cuvk/compute/stream.hpp"

#include "cuvk/compute/check.hpp"

#include <thread>

namespace cuvk::compute {

UniqueStream create_stream(const std::string& name) {
    cudaStream_t stream = nullptr;
    CUVK_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), name);
    return UniqueStream(stream);
}

UniqueEvent create_event(const std::string& name, bool timing) {
    cudaEvent_t event = nullptr;
    CUVK_CUDA(cudaEventCreateWithFlags(&event, timing ? cudaEventDefault : cudaEventDisableTiming), name);
    return UniqueEvent(event);
}

bool drain(cudaStream_t stream, std::chrono::nanoseconds timeout) noexcept {
    if (!stream)
        return true;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const cudaError_t r = cudaStreamQuery(stream);
        if (r == cudaSuccess)
            return true;
        if (r != cudaErrorNotReady) {
            (void)cudaGetLastError();
            return is_context_fault(r) || r == cudaErrorDevicesUnavailable;
        }
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
}

void synchronize(cudaStream_t stream, const std::string& name) {
    CUVK_CUDA(cudaStreamSynchronize(stream), name);
}

bool is_context_fault(cudaError_t error) noexcept {
    switch (error) {
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchTimeout:
    case cudaErrorAssert:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorLaunchFailure:
    case cudaErrorECCUncorrectable:
        return true;
    default:
        return false;
    }
}

std::string context_fault(cudaStream_t stream) noexcept {
    const cudaError_t r = cudaStreamQuery(stream);
    if (r == cudaSuccess || r == cudaErrorNotReady)
        return {};
    (void)cudaGetLastError();
    return is_context_fault(r) ? cudaGetErrorName(r) : "";
}

} // namespace cuvk::compute
