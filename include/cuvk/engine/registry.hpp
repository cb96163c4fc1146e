#pragma once
// cuvk::engine::Registry — the simulations a program can run by name: the built-in samples, plus any a program
// adds. Read by the CLI (--list, --sample, --set), the gallery and the viewer.
//
// Owns one factory and one SimulationDesc per entry (read from an instance made when the entry is added). No global
// state: each program makes its own (Registry::with_builtins()) and passes it where it is needed.
// Throws core::Error: usage errors for unknown names and bad --set values; add() refuses duplicate or empty names.

#include "cuvk/compute/live_kernel.hpp"
#include "cuvk/compute/simulation.hpp"

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cuvk::engine {

class Registry {
public:
    using Factory = std::function<std::unique_ptr<compute::Simulation>()>;

    Registry() = default;
    // The five built-in samples (compute/builtins.hpp).
    static Registry with_builtins();

    // Adds a simulation under its desc().name; `factory` makes a new, unstarted instance per call.
    void add(Factory factory);

    std::vector<std::string> names() const;
    // The entry called `name`; a usage error listing the names otherwise.
    const compute::SimulationDesc& desc(std::string_view name) const;
    std::unique_ptr<compute::Simulation> make(std::string_view name) const;
    // "--list" text: every simulation with its description and parameters.
    std::string describe() const;

private:
    struct Entry {
        compute::SimulationDesc desc;
        Factory factory;
    };
    const Entry& find(std::string_view name) const;
    std::vector<Entry> entries_;
};

// Registers a live kernel (compute/live_kernel.hpp) read from `info.file`: each make() compiles and watches its own.
// Returns the name it is registered under ("live-" + the file's stem unless info.name says otherwise). Throws a usage
// error for an unreadable file or malformed annotations (with their lines); without CUDA, a runtime error.
std::string add_live_kernel(Registry& registry, const compute::LiveKernelInfo& info);

// The simulation's defaults with `sets` ("name=value") applied. Unknown names, malformed or non-integer values for
// integer parameters and values outside [min, max] are usage errors naming the parameter and its range.
// With `ignore_unknown`, names the simulation does not declare are skipped (a --set meant for another one).
std::vector<float> resolve_params(const compute::SimulationDesc& desc, std::span<const std::string> sets,
                                  bool ignore_unknown = false);

// Throws a usage error when some "name=value" in `sets` names a parameter none of `descs` declares, or a value
// that one declaring it refuses.
void check_sets_known(std::span<const compute::SimulationDesc* const> descs, std::span<const std::string> sets);

} // namespace cuvk::engine
