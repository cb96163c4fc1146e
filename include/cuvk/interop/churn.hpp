#pragma once
// cuvk::interop::run_churn — lifecycle churn for cuvk-stress: many export → import → destroy cycles of buffers and
// images of changing sizes, every 16th cycle a failing import (CUDA: an fd that is not exported memory; Vulkan, where
// that would be invalid usage: a closed fd, refused by cuvk), with the process's
// resources counted before and after: open fds (/proc/self/fd), resident memory (/proc/self/statm), CUDA device
// memory in use (cudaMemGetInfo) and Vulkan heap usage (VK_EXT_memory_budget, when the device has it). With a CUDA
// device each cycle imports into CUDA (SharedBuffer, SharedImage); without, into the `second` Vulkan device.
// Needs: the contexts (and the CUDA device) outlive the call. Throws core::Error for an unexpected failure; the
// expected failures of the failing imports are counted, not thrown.

#include "cuvk/interop/cuda_device.hpp"
#include "cuvk/render/context.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace cuvk::interop {

struct ResourceCounts {
    std::int64_t fds = 0;
    std::int64_t rss_bytes = 0;
    std::int64_t cuda_used_bytes = -1;   // -1 when not measured (no CUDA)
    std::int64_t vulkan_heap_bytes = -1; // -1 when the device has no VK_EXT_memory_budget
};
// Open file descriptors of this process (/proc/self/fd).
std::int64_t open_fd_count();
// Counts now. `cuda` is measured when given (its device is made current for the call).
ResourceCounts count_resources(const render::Context& ctx, const CudaDevice* cuda);

// Memory that grew from `before` to `after` beyond what allocators keep for reuse (resident 16 MiB, CUDA and Vulkan
// device memory 4 MiB each); 0 when flat.
std::int64_t grown_bytes(const ResourceCounts& before, const ResourceCounts& after);

struct ChurnReport {
    std::uint32_t cycles = 0;
    std::uint32_t failing_imports = 0; // failing imports answered by an error, as they must be
    std::string import_target;         // "CUDA" or "a second Vulkan device"
    ResourceCounts before, after;      // after a warm-up, and after the last cycle
    std::int64_t leaked_fds() const { return after.fds - before.fds; }
    std::int64_t leaked_bytes() const { return grown_bytes(before, after); }
    std::string describe() const;
};

ChurnReport run_churn(const render::Context& ctx, const render::Context& second, const CudaDevice* cuda,
                      std::uint32_t cycles, const std::function<bool()>& stop = {});

} // namespace cuvk::interop
