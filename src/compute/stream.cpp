#include "cuvk/compute/stream.hpp"

#include "cuvk/compute/check.hpp"

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

void synchronize(cudaStream_t stream, const std::string& name) {
    CUVK_CUDA(cudaStreamSynchronize(stream), name);
}

} // namespace cuvk::compute
