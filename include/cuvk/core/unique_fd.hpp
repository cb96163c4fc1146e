#pragma once
// cuvk::core::UniqueFd — owns a POSIX file descriptor (exported memory and semaphore handles).
// An import takes `UniqueFd&&` and calls release() only after the import succeeded; on failure the fd is closed here.

#include "cuvk/core/unique.hpp"

namespace cuvk::core {

struct FdCloser {
    static constexpr int kNull = -1;
    void operator()(int fd) const noexcept;
};

using UniqueFd = Unique<int, FdCloser>;

// Throws core::Error naming `what` unless `fd` holds an open descriptor: an empty one (moved from, or already given to
// an importer) or a closed number is refused here rather than passed to a driver. Imports call it first.
void require_open_fd(const UniqueFd& fd, const char* what);

// Duplicates fd (close-on-exec); throws core::Error naming `what` on failure.
UniqueFd dup_fd(int fd, const char* what);

} // namespace cuvk::core
