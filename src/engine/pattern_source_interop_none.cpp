// The interop source of a build without CUDA: refuses with the reason.
#include "core/error.hpp"
#include "engine/pattern_source.hpp"

namespace cuvk::engine {

std::unique_ptr<PatternSource> make_interop_source(const render::Context& ctx, core::Extent2D) {
    core::fail("the interop backend needs CUDA, and cuvk was built without it", ctx.device_name());
}

} // namespace cuvk::engine
