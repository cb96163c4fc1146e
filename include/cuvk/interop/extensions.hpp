#pragma once
// What a Vulkan context needs for sharing with CUDA.

#include "cuvk/render/context.hpp"

namespace cuvk::interop {

// Adds the device extensions interop uses to `info` as optional ones, so that the same context also serves the
// cpu backend on a device without them; interop::probe() then says what is missing.
render::ContextInfo with_interop_extensions(render::ContextInfo info);

} // namespace cuvk::interop
