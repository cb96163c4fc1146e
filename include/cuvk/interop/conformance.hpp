#pragma once
// cuvk::interop::run_vulkan_conformance — the Vulkan half of cuvk-stress's conformance matrix: what this driver does
// with exported memory and semaphores, each check reported as supported, not supported (with the reason) or failed
// (with what differed), never skipped. Memory is exported from `ctx` and imported into `second` (another VkDevice on
// the same physical device, the way lavapipe can test sharing without CUDA) and its contents compared byte for byte.
// Checks: a buffer, an image of every format cuvk shares (RGBA8, BGRA8, RGBA16F, RGBA32F, R32F), one allocation
// imported several times, an fd passed through dup(), and exporting timeline and binary semaphores.
// Needs: both contexts, idle on return. Throws core::Error only for failures outside the checks (a lost device).

#include "cuvk/render/context.hpp"

#include <string>
#include <vector>

namespace cuvk::interop {

enum class Conformance { supported, not_supported, failed };
const char* to_string(Conformance c);

struct ConformanceCheck {
    std::string name;
    Conformance outcome = Conformance::failed;
    std::string detail; // why not supported, or what failed; empty when supported
};

struct ConformanceReport {
    std::vector<ConformanceCheck> checks;
    std::size_t count(Conformance c) const;
    // One line per check: "outcome  name: detail".
    std::string describe() const;
};

ConformanceReport run_vulkan_conformance(const render::Context& ctx, const render::Context& second);

} // namespace cuvk::interop
