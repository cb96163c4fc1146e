#pragma once
// cuvk::interop::run_vulkan_conformance — the Vulkan half of cuvk-stress's conformance matrix: what this driver does
// with exported memory and semaphores, each check reported as supported, not supported (with the reason) or failed
// (with what differed), never skipped. Memory is exported from `ctx` and imported into `second` (another VkDevice on
// the same physical device, the way lavapipe can test sharing without CUDA) and its contents compared byte for byte.
// Checks: a buffer, an image of every format cuvk shares (RGBA8, BGRA8, RGBA16F, RGBA32F, R32F), one allocation
// imported several times, an fd passed through dup(), and exporting timeline and binary semaphores.
// Needs: both contexts, idle on return. Throws core::Error only for failures outside the checks (a lost device).

#include "cuvk/interop/cuda_device.hpp"
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

// The CUDA half (CUDA builds, `cuda` paired with ctx): lifecycle orders (bind → export → import with the import before
// Vulkan's first write; export → bind → import), dedicated and non-dedicated allocations, one allocation imported into
// CUDA 4 times, an fd through dup(), an fd over a Unix socket to a second process (`child_command`, run as
// `child_command --import-child FD`, which calls serve_import_child) that imports it into CUDA and checks the bytes,
// every shared image format read by CUDA, a timeline semaphore signalled each way, a withheld signal (CUDA's wait must
// not pass and the counter must not move), a timeline signalled backwards, and binary and timeline semaphore fds
// imported temporarily and permanently into the second Vulkan device. Appends to `report`.
void run_cuda_conformance(ConformanceReport& report, const render::Context& ctx, const render::Context& second,
                          const CudaDevice& cuda, const std::string& child_command);

// The second process's side of the Unix-socket check: receives one fd and what it should hold over `socket`, imports
// it into the CUDA device with the sender's UUID, compares, and answers. Returns the process's exit status (0: the
// bytes matched). Never throws.
int serve_import_child(int socket);

} // namespace cuvk::interop
