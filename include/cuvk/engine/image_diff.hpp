#pragma once
// Comparing two RGBA8 frames within a tolerance: what `--check`, the golden-image tests and the examples use.

#include "cuvk/compute/simulation.hpp"
#include "cuvk/render/readback.hpp"

#include <string>

namespace cuvk::engine {

struct ImageDiff {
    bool passed = false;
    std::uint64_t bad_pixels = 0; // pixels with some channel beyond tolerance.per_channel (all, on a size mismatch)
    int max_difference = 0;       // largest channel difference seen
    double bad_fraction = 0.0;
    std::string message; // why it failed; empty when it passed
};

ImageDiff compare_images(const render::Pixels& actual, const render::Pixels& expected, compute::Tolerance tolerance);

} // namespace cuvk::engine
