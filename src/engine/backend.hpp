#pragma once
// Backends: how a sample's output reaches the Vulkan image that is shown (DESIGN.md, "The frame ring").

#include <string>
#include <string_view>

namespace cuvk::engine {

enum class Backend {
    automatic, // interop when a CUDA device matches the Vulkan device, else cpu
    interop,   // CUDA writes Vulkan memory directly: zero copy, external semaphores
    cpu,       // the CPU reference writes host-visible Vulkan memory (what CI runs)
};

// Parses "auto", "interop" or "cpu"; throws a usage error naming the choices.
Backend parse_backend(std::string_view text);
const char* to_string(Backend backend);

} // namespace cuvk::engine
