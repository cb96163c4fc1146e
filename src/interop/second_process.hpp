#pragma once
// Internal to interop: checks that run in a second process (cuvk-stress --import-child), for fds passed over a Unix
// socket and for invalid usage whose effect on a driver must not reach the process that asked (a Vulkan import of an
// fd that is not memory, a timeline signalled backwards).

#include "cuvk/core/unique_fd.hpp"
#include "cuvk/render/context.hpp"

#include <cstdint>
#include <string>

namespace cuvk::interop::detail {

enum class ChildCheck : std::uint32_t { import_fd = 1, backwards_timeline = 2, vulkan_bad_import = 3 };

// What the parent sends (with the fd, for import_fd).
struct ImportRequest {
    ChildCheck check = ChildCheck::import_fd;
    std::uint64_t size = 0, allocation_size = 0;
    std::uint32_t seed = 0;
    std::uint8_t uuid[VK_UUID_SIZE]{};
};

// Spawns `child_command --import-child 3` with one end of a socket pair as fd 3, sends it `request` (and `fd` when
// >= 0) and returns its one-line answer; the child is always reaped (killed after 60 s without an answer).
std::string ask_second_process(const std::string& child_command, const ImportRequest& request, int fd);

// The CUDA checks' second-process halves (cuda_checks.cpp; without CUDA they answer so).
std::string child_cuda_import(core::UniqueFd fd, const ImportRequest& request);
std::string child_backwards_timeline(const ImportRequest& request);

} // namespace cuvk::interop::detail
