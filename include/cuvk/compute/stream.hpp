#pragma once
// Owners of CUDA streams and events (core::Unique), always non-blocking streams: never the legacy default stream.

#include "cuvk/core/unique.hpp"

#include <chrono>
#include <cuda_runtime_api.h>
#include <string>

namespace cuvk::compute {

struct StreamDeleter {
    void operator()(cudaStream_t s) const noexcept { (void)cudaStreamDestroy(s); }
};
struct EventDeleter {
    void operator()(cudaEvent_t e) const noexcept { (void)cudaEventDestroy(e); }
};
using UniqueStream = core::Unique<cudaStream_t, StreamDeleter>;
using UniqueEvent = core::Unique<cudaEvent_t, EventDeleter>;

UniqueStream create_stream(const std::string& name);
// timing = false gives the cheaper event for pacing (cudaEventDisableTiming).
UniqueEvent create_event(const std::string& name, bool timing = false);

void synchronize(cudaStream_t stream, const std::string& name);
// Teardown: polls `stream` until its work is done or `timeout` passes; false on timeout or a device error (cleared),
// so that the caller leaks what the stream may still use rather than destroy it. True at once for no stream (a CUDA
// side already released) and for a context that faulted (is_context_fault, or a device CUDA refuses to this process
// after a fault): no work of that context runs any more. Never throws.
bool drain(cudaStream_t stream, std::chrono::nanoseconds timeout) noexcept;

// Context faults: a kernel that traps, touches memory it must not or runs into an assert leaves its context with a
// sticky error, which every later call in that context returns until the device's primary context is reset
// (cudaDeviceReset). True for those errors.
bool is_context_fault(cudaError_t error) noexcept;
// The sticky error of the context that owns `stream`, by name ("cudaErrorIllegalAddress"), or empty while the
// context is healthy: one cudaStreamQuery, which never blocks. Other errors of the query are cleared and ignored.
std::string context_fault(cudaStream_t stream) noexcept;

} // namespace cuvk::compute
