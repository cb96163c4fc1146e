#pragma once
// cuvk::core::FaultInjection — makes the N-th checked Vulkan or CUDA call fail, so that tests and cuvk-stress can
// sweep N over a whole setup, run and teardown and check that every failure unwinds cleanly (nothing leaked, no hang,
// one core::Error). CUVK_VK and CUVK_CUDA ask inject_failure() before making the call; when it answers true the call
// is not made and the check sees VK_ERROR_OUT_OF_DEVICE_MEMORY or cudaErrorMemoryAllocation instead.
//
// Process-wide on purpose (the one exception to "no global state"): the failure must reach whichever code makes the
// N-th call, on any thread. Unarmed, a check pays one relaxed atomic load. Builds with CUVK_FAULT_INJECTION=OFF keep
// the same functions, and arm() then throws saying so.

#include <cstdint>

namespace cuvk::core {

struct FaultInjection {
    static bool available() noexcept;
    // The n-th checked call from now (1-based) fails; the count starts at 0.
    static void arm(std::uint64_t n);
    static void disarm() noexcept;
    static std::uint64_t calls() noexcept; // checked calls since arm()
    static bool fired() noexcept;          // the armed call came and failed
};

// Asked by the check macros before each call: true makes that call fail.
bool inject_failure() noexcept;

} // namespace cuvk::core
