// Must compile: the control of the Boundaries tests (a module sees its own public headers and core's).
#include "cuvk/compute/simulation.hpp"
#include "cuvk/core/error.hpp"

int boundary_control() {
    return int(cuvk::compute::bytes_per_texel(cuvk::compute::PixelFormat::rgba8));
}
