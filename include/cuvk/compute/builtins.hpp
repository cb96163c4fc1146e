#pragma once
// The samples cuvk ships (gray-scott, fluid, particles, waves, fractal), each a compute::Simulation with a CUDA
// implementation and a CPU reference that equals it (within SimulationDesc::tolerance). The engine's Registry
// lists them beside the simulations a program adds.

#include "cuvk/compute/simulation.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cuvk::compute {

// Their names, in the order the gallery shows them.
std::vector<std::string> builtin_names();
// A new instance of the built-in called `name`, or nullptr when there is none. Parameter changes
// (on_params_changed) restart a built-in from its initial state with the new values.
std::unique_ptr<Simulation> make_builtin(std::string_view name);

} // namespace cuvk::compute
