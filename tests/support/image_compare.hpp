#pragma once
// Golden-image comparison for render tests. On a mismatch it writes actual/<name>.png and diff/<name>.png under
// the test's working directory (Filament's backend tests do the same). With CUVK_UPDATE_GOLDEN=1 in the
// environment a missing or differing golden is (re)written instead, and the comparison passes.

#include "render/readback.hpp"

#include <string>

namespace cuvk::test {

struct Tolerance {
    int per_channel = 0;            // largest allowed |actual - golden| of one channel
    double max_bad_fraction = 0.0;  // fraction of pixels allowed to exceed per_channel
};

struct CompareResult {
    bool ok = false;
    std::uint64_t bad_pixels = 0;
    int max_difference = 0;
    std::string message; // why it failed, with the paths written
};

CompareResult compare_with_golden(const render::Pixels& actual, const std::string& golden_path,
                                  const std::string& name, Tolerance tolerance);

// The comparison itself (no files): used by compare_with_golden and by the test that shows it can fail.
CompareResult compare_pixels(const render::Pixels& actual, const render::Pixels& expected, Tolerance tolerance);

} // namespace cuvk::test
