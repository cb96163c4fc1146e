#include "cuvk/core/fault_injection.hpp"

#include "cuvk/core/error.hpp"

#include <atomic>

namespace cuvk::core {
namespace {

// Process-wide by design (see the header): 0 = unarmed.
std::atomic<std::uint64_t> g_armed{0};
std::atomic<std::uint64_t> g_calls{0};
std::atomic<bool> g_fired{false};

} // namespace

bool FaultInjection::available() noexcept {
#if defined(CUVK_FAULT_INJECTION)
    return true;
#else
    return false;
#endif
}

void FaultInjection::arm(std::uint64_t n) {
    if (!available())
        fail("fault injection is not built in (configure with -DCUVK_FAULT_INJECTION=ON)");
    if (n == 0)
        fail_usage("fault injection counts calls from 1");
    g_calls.store(0);
    g_fired.store(false);
    g_armed.store(n);
}

void FaultInjection::disarm() noexcept {
    g_armed.store(0);
}

std::uint64_t FaultInjection::calls() noexcept {
    return g_calls.load();
}

bool FaultInjection::fired() noexcept {
    return g_fired.load();
}

bool inject_failure() noexcept {
#if defined(CUVK_FAULT_INJECTION)
    const std::uint64_t armed = g_armed.load(std::memory_order_relaxed);
    if (armed == 0)
        return false;
    if (g_calls.fetch_add(1) + 1 != armed)
        return false;
    g_fired.store(true);
    return true;
#else
    return false;
#endif
}

} // namespace cuvk::core
