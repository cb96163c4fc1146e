#include "cuvk/core/unique_fd.hpp"

#include "cuvk/core/error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace cuvk::core {

void FdCloser::operator()(int fd) const noexcept {
    // POSIX leaves the fd state unspecified after EINTR; Linux always closes it, so never retry.
    ::close(fd);
}

void require_open_fd(const UniqueFd& fd, const char* what) {
    if (!fd)
        fail("no fd to import (empty: moved from, or already owned by an earlier import)", what);
    if (::fcntl(fd.get(), F_GETFD) < 0)
        fail_errno(errno, "fcntl(F_GETFD)", "fd " + std::to_string(fd.get()) + " is not open", what);
}

UniqueFd dup_fd(int fd, const char* what) {
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0)
        fail_errno(errno, "fcntl(F_DUPFD_CLOEXEC)", what);
    return UniqueFd(copy);
}

} // namespace cuvk::core
