// The CUDA backends of a build without CUDA: refuse with the reason.
#include "cuvk/core/error.hpp"
#include "producer.hpp"

namespace cuvk::engine {

std::unique_ptr<Producer> make_interop_producer(const render::Context& ctx, const ProducerInfo&) {
    core::fail("the interop backend needs CUDA, and cuvk was built without it", ctx.device_name());
}

std::unique_ptr<Producer> make_staging_producer(const render::Context& ctx, const ProducerInfo&) {
    core::fail("the staging backend needs CUDA, and cuvk was built without it", ctx.device_name());
}

void reset_cuda_device(int ordinal) {
    core::fail("cannot reset CUDA device " + std::to_string(ordinal) + ": cuvk was built without CUDA");
}

} // namespace cuvk::engine
