#include "cuvk/core/unique_fd.hpp"

#include "cuvk/core/error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
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

FdIdentity identity_of(const UniqueFd& fd) {
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        fail_errno(errno, "fstat", "identifying fd " + std::to_string(fd.get()));
    return {static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino)};
}

bool keep_if_still_ours(UniqueFd& fd, FdIdentity before) noexcept {
    if (!fd)
        return false;
    struct stat st {};
    const bool ours = ::fstat(fd.get(), &st) == 0 && static_cast<unsigned long long>(st.st_dev) == before.device &&
                      static_cast<unsigned long long>(st.st_ino) == before.inode;
    if (!ours)
        (void)fd.release();
    return ours;
}

UniqueFd dup_fd(int fd, const char* what) {
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0)
        fail_errno(errno, "fcntl(F_DUPFD_CLOEXEC)", what);
    return UniqueFd(copy);
}

} // namespace cuvk::core
