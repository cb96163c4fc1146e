#pragma once
// Owners of CUDA streams and events (core::Unique), always non-blocking streams: never the legacy default stream.

#include "cuvk/core/unique.hpp"

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

} // namespace cuvk::compute
