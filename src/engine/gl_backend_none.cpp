// gl_backend.hpp without CUDA: the gl backend says why it cannot run.

#include "gl_backend.hpp"

#include "cuvk/core/error.hpp"

namespace cuvk::engine {

std::string gl_unavailable(std::optional<int>) {
    return "cuvk was built without CUDA, which the gl backend's CUDA-OpenGL interop needs";
}

RunResult run_gl(std::unique_ptr<compute::Simulation>, const GlRunInfo&) {
    core::fail(gl_unavailable(std::nullopt));
}

} // namespace cuvk::engine
