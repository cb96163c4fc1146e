#pragma once
// interop::probe — can this Vulkan context share memory and semaphores with CUDA, and if not, why.

#include "cuvk/render/context.hpp"

#include <optional>
#include <string>
#include <vector>

namespace cuvk::interop {

struct ProbeResult {
    bool memory = false;              // buffers and images can be exported as opaque fds
    bool timeline_semaphores = false; // timeline semaphores can be exported
    bool binary_semaphores = false;   // binary semaphores can be exported
    std::optional<int> cuda_ordinal;  // the CUDA device with the Vulkan device's UUID
    std::vector<std::string> reasons; // every reason interop is unavailable, as sentences; empty when it is

    bool available() const noexcept { return reasons.empty(); }
};

ProbeResult probe(const render::Context& ctx);

} // namespace cuvk::interop
