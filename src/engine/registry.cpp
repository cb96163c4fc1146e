#include "cuvk/engine/registry.hpp"

#include "cuvk/compute/builtins.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/core/text.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace cuvk::engine {
namespace {

std::string param_names(const compute::SimulationDesc& spec) {
    std::string out;
    for (const auto& p : spec.params)
        out += (out.empty() ? "" : ", ") + p.name;
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
        core::fail_usage("--set " + core::quote(set) + " is not name=value");
    return {set.substr(0, eq), set.substr(eq + 1)};
}

} // namespace

Registry Registry::with_builtins() {
    Registry r;
    for (const auto& name : compute::builtin_names())
        r.add([name] { return compute::make_builtin(name); });
    return r;
}

std::string add_live_kernel(Registry& registry, const compute::LiveKernelInfo& info) {
    // Registry::add makes one at once to read its desc: the file is read and checked now, before anything starts.
    registry.add([info]() -> std::unique_ptr<compute::Simulation> { return compute::make_live_kernel(info); });
    return registry.names().back();
}

void Registry::add(Factory factory) {
    if (!factory)
        core::fail("Registry::add: no factory");
    const auto instance = factory();
    if (!instance)
        core::fail("Registry::add: the factory made no simulation");
    const auto& desc = instance->desc();
    if (desc.name.empty())
        core::fail("Registry::add: a simulation needs a name");
    for (const auto& e : entries_)
        if (e.desc.name == desc.name)
            core::fail("Registry::add: a simulation of that name is registered already", desc.name);
    for (const auto& p : desc.params)
        if (p.name.empty() || !(p.min <= p.value && p.value <= p.max))
            core::fail("Registry::add: parameter " + core::quote(p.name) + " needs a name and min <= default <= max",
                       desc.name);
    if (!desc.has_cuda && !desc.has_cpu)
        core::fail("Registry::add: the simulation offers neither a CUDA nor a CPU implementation", desc.name);
    entries_.push_back({desc, std::move(factory)});
}

std::vector<std::string> Registry::names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_)
        out.push_back(e.desc.name);
    return out;
}

const Registry::Entry& Registry::find(std::string_view name) const {
    for (const auto& e : entries_)
        if (e.desc.name == name)
            return e;
    std::string list;
    for (const auto& e : entries_)
        list += (list.empty() ? "" : ", ") + e.desc.name;
    core::fail_usage("unknown sample " + core::quote(name) + " (samples: " + list + ")");
}

const compute::SimulationDesc& Registry::desc(std::string_view name) const {
    return find(name).desc;
}

std::unique_ptr<compute::Simulation> Registry::make(std::string_view name) const {
    auto sim = find(name).factory();
    if (!sim)
        core::fail("the registry's factory made no simulation", std::string(name));
    return sim;
}

std::vector<float> resolve_params(const compute::SimulationDesc& spec, std::span<const std::string> sets,
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
            core::fail_usage("unknown parameter " + core::quote(name) + " for sample " + spec.name +
                             " (parameters: " + param_names(spec) + ")");
        }
        const auto& p = spec.params[index];
        const std::string echo = "--set " + core::quote(set); // what the user typed, on one line
        double v = 0.0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(v))
            core::fail_usage(echo + ": not a number");
        if (p.integer && v != std::floor(v))
            core::fail_usage(echo + ": " + name + " takes an integer");
        if (v < p.min || v > p.max)
            core::fail_usage(echo + ": outside the range " + format_value(p.min, p.integer) + ".." +
                             format_value(p.max, p.integer) + " of " + spec.name + "." + name);
        values[index] = float(v);
    }
    return values;
}

void check_sets_known(std::span<const compute::SimulationDesc* const> specs, std::span<const std::string> sets) {
    for (const auto& set : sets) {
        const auto name = split(set).name;
        bool known = false;
        for (const auto* s : specs)
            for (const auto& p : s->params)
                known = known || p.name == name;
        if (!known) {
            std::string list;
            for (const auto* s : specs)
                list += (list.empty() ? "" : "; ") + s->name + ": " + param_names(*s);
            core::fail_usage("unknown parameter " + core::quote(name) + " (" + list + ")");
        }
        for (const auto* s : specs)
            (void)resolve_params(*s, {&set, 1}, true); // range and syntax checks for every sample that has it
    }
}

std::string Registry::describe() const {
    std::string out;
    for (const auto& e : entries_) {
        const auto* s = &e.desc;
        out += s->name + ": " + s->description + "\n";
        for (const auto& p : s->params)
            out += "    " + p.name + " = " + format_value(p.value, p.integer) + "  [" + format_value(p.min, p.integer) +
                   ".." + format_value(p.max, p.integer) + "]  " + p.help + "\n";
    }
    return out;
}

} // namespace cuvk::engine
