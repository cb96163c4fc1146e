#pragma once
// Golden-image comparison for render tests. On a mismatch it writes actual/<name>.png and diff/<name>.png under
// the test's working directory (Filament's backend tests do the same). With CUVK_UPDATE_GOLDEN=1 in the
// environment a missing or differing golden is (re)written instead, and the comparison passes.

#include "cuvk/compute/simulation.hpp"
#include "cuvk/render/readback.hpp"

#include <string>

namespace cuvk::test {

struct CompareResult {
    bool ok = false;
    std::string message; // why it failed, with the paths written
};

CompareResult compare_with_golden(const render::Pixels& actual, const std::string& golden_path, const std::string& name,
                                  compute::Tolerance tolerance);

} // namespace cuvk::test
