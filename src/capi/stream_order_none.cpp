// stream_order.hpp without CUDA: there is no stream to order.

#include "cuvk/core/error.hpp"
#include "stream_order.hpp"

namespace cuvk::capi {

void stream_wait(void* waiter, void* after, int, const std::string& what) {
    if (waiter == after) // a stream waiting for itself is nothing to do, with or without CUDA
        return;
    core::fail("cuvk was built without CUDA: no stream to order", what);
}

void copy_rows(void*, std::uint64_t, const void*, std::uint64_t, std::uint64_t, std::uint64_t, void*, int,
               const std::string& what) {
    core::fail("cuvk was built without CUDA: no CUDA memory to copy into", what);
}

bool built_with_cuda() {
    return false;
}

int current_cuda_device() {
    return -1;
}

} // namespace cuvk::capi
