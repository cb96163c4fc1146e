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

// What an fd refers to (device and inode), to tell after a failed import whether the number is still ours.
struct FdIdentity {
    unsigned long long device = 0, inode = 0;
    bool operator==(const FdIdentity&) const = default;
};
FdIdentity identity_of(const UniqueFd& fd);
// After an import failed: a driver that took the fd anyway (closed it, and may have reused its number) leaves a number
// that no longer refers to `before`. Then `fd` is released rather than closed, so a number that now belongs to the
// driver is never closed under it. Returns true when the fd was still ours (and stays owned by `fd`).
bool keep_if_still_ours(UniqueFd& fd, FdIdentity before) noexcept;

// Duplicates fd (close-on-exec); throws core::Error naming `what` on failure.
UniqueFd dup_fd(int fd, const char* what);

} // namespace cuvk::core
