#include "engine/sample_registry.hpp"

#include "compute/fluid.hpp"
#include "compute/fractal.hpp"
#include "compute/gray_scott.hpp"
#include "compute/particles.hpp"
#include "compute/waves.hpp"
#include "core/error.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace cuvk::engine {
namespace {

constexpr const compute::SampleSpec* kSamples[] = {&compute::kGrayScott, &compute::kFluid, &compute::kParticles,
                                                   &compute::kWaves, &compute::kFractal};

std::string names() {
    std::string out;
    for (const auto* s : kSamples)
        out += (out.empty() ? "" : ", ") + std::string(s->name);
    return out;
}

std::string param_names(const compute::SampleSpec& spec) {
    std::string out;
    for (const auto& p : spec.params)
        out += (out.empty() ? "" : ", ") + std::string(p.name);
    return out;
}

std::string format_value(float v, bool integer) {
    char buf[32];
    if (integer)
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(std::llround(v)));
    else
        std::snprintf(buf, sizeof buf, "%g", double(v));
    return buf;
}

struct Assignment {
    std::string name;
    std::string value;
};

Assignment split(const std::string& set) {
    const auto eq = set.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == set.size())
        core::fail_usage("--set '" + set + "' is not name=value");
    return {set.substr(0, eq), set.substr(eq + 1)};
}

} // namespace

std::span<const compute::SampleSpec* const> all_samples() { return kSamples; }

const compute::SampleSpec& find_sample(std::string_view name) {
    for (const auto* s : kSamples)
        if (s->name == name)
            return *s;
    core::fail_usage("unknown sample '" + std::string(name) + "' (samples: " + names() + ")");
}

std::vector<float> resolve_params(const compute::SampleSpec& spec, std::span<const std::string> sets,
                                  bool ignore_unknown) {
    std::vector<float> values;
    for (const auto& p : spec.params)
        values.push_back(p.value);
    for (const auto& set : sets) {
        const auto [name, text] = split(set);
        std::size_t index = spec.params.size();
        for (std::size_t i = 0; i < spec.params.size(); ++i)
            if (spec.params[i].name == name)
                index = i;
        if (index == spec.params.size()) {
            if (ignore_unknown)
                continue;
            core::fail_usage("unknown parameter '" + name + "' for sample " + std::string(spec.name) +
                             " (parameters: " + param_names(spec) + ")");
        }
        const auto& p = spec.params[index];
        double v = 0.0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(v))
            core::fail_usage("--set " + name + "=" + text + ": not a number");
        if (p.integer && v != std::floor(v))
            core::fail_usage("--set " + name + "=" + text + ": " + name + " takes an integer");
        if (v < p.min || v > p.max)
            core::fail_usage("--set " + name + "=" + text + ": outside the range " + format_value(p.min, p.integer) +
                             ".." + format_value(p.max, p.integer) + " of " + std::string(spec.name) + "." + name);
        values[index] = float(v);
    }
    return values;
}

void check_sets_known(std::span<const compute::SampleSpec* const> specs, std::span<const std::string> sets) {
    for (const auto& set : sets) {
        const auto name = split(set).name;
        bool known = false;
        for (const auto* s : specs)
            for (const auto& p : s->params)
                known = known || p.name == name;
        if (!known) {
            std::string list;
            for (const auto* s : specs)
                list += (list.empty() ? "" : "; ") + std::string(s->name) + ": " + param_names(*s);
            core::fail_usage("unknown parameter '" + name + "' (" + list + ")");
        }
        for (const auto* s : specs)
            (void)resolve_params(*s, {&set, 1}, true); // range and syntax checks for every sample that has it
    }
}

std::string describe_samples() {
    std::string out;
    for (const auto* s : kSamples) {
        out += std::string(s->name) + ": " + std::string(s->description) + "\n";
        for (const auto& p : s->params)
            out += "    " + std::string(p.name) + " = " + format_value(p.value, p.integer) + "  [" +
                   format_value(p.min, p.integer) + ".." + format_value(p.max, p.integer) + "]  " +
                   std::string(p.help) + "\n";
    }
    return out;
}

} // namespace cuvk::engine
