#pragma once
// Backends: how a sample's output reaches the Vulkan memory that is drawn (DESIGN.md, "The frame ring").

#include <string>
#include <string_view>

namespace cuvk::engine {

enum class Backend {
    automatic, // interop when a CUDA device matches the Vulkan device, else cpu
    interop,   // CUDA writes Vulkan memory directly: zero copy, external semaphores
    split,     // interop with the simulation on a second GPU, copied peer-to-peer into the display GPU's memory
    staging,   // CUDA writes its own memory, async D2H into a host-visible Vulkan buffer, Vulkan copies it in
    cpu,       // the CPU reference writes host-visible Vulkan memory (what CI runs)
    gl,        // cuvk-bench only: CUDA-OpenGL interop through a headless EGL context, the baseline interop is held to
};

// How CUDA and Vulkan hand frames to each other in the interop backend.
enum class SyncMode {
    timeline, // two timeline semaphores, `produced` and `consumed`
    binary,   // a pair of binary semaphores per ring slot
};

// Parse "auto" | "interop" | "split" | "staging" | "cpu" | "gl" (which only cuvk-bench runs) and "timeline" | "binary";
// throw usage errors naming the choices.
Backend parse_backend(std::string_view text);
SyncMode parse_sync(std::string_view text);
const char* to_string(Backend backend);
const char* to_string(SyncMode sync);

} // namespace cuvk::engine
