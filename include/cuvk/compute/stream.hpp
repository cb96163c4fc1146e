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
// so that the caller leaks what the stream may still use rather than destroy it. Never throws.
bool drain(cudaStream_t stream, std::chrono::nanoseconds timeout) noexcept;

} // namespace cuvk::compute
