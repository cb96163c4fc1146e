#pragma once
// The samples cuvk ships, read from one table by the CLI (--list, --sample, --set), the gallery and the viewer.

#include "compute/sample.hpp"

#include <span>
#include <string>
#include <vector>

namespace cuvk::engine {

std::span<const compute::SampleSpec* const> all_samples();

// The sample called `name`; throws a usage error listing the names otherwise.
const compute::SampleSpec& find_sample(std::string_view name);

// The sample's defaults with `sets` ("name=value") applied. Unknown names, malformed or non-integer values for
// integer parameters and values outside [min, max] are usage errors naming the parameter and its range.
// With `ignore_unknown`, names the sample does not declare are skipped (a --set meant for another sample).
std::vector<float> resolve_params(const compute::SampleSpec& spec, std::span<const std::string> sets,
                                  bool ignore_unknown = false);

// Throws a usage error when some "name=value" in `sets` names a parameter no sample in `specs` declares.
void check_sets_known(std::span<const compute::SampleSpec* const> specs, std::span<const std::string> sets);

// "--list" text: every sample with its description and parameters.
std::string describe_samples();

} // namespace cuvk::engine
