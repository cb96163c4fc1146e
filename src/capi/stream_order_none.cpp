// stream_order.hpp without CUDA: there is no stream to order.

#include "cuvk/core/error.hpp"
#include "stream_order.hpp"

namespace cuvk::capi {

void stream_wait(void*, void*, int, const std::string& what) {
    core::fail("cuvk was built without CUDA: no stream to order", what);
}

int current_cuda_device() {
    return -1;
}

} // namespace cuvk::capi
