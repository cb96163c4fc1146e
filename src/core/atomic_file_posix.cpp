#include "cuvk/core/atomic_file.hpp"

#include "cuvk/core/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cuvk::core {
namespace {

std::string directory_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
    if (path_.empty())
        fail("AtomicFile: no path");
    // A name of its own, created exclusively: two writers of the same path (or a stale or planted "<path>.tmp", a
    // symlink say) can never share or redirect the temporary.
    std::string name = path_ + ".XXXXXX.tmp";
    const int fd = ::mkostemps(name.data(), 4, O_CLOEXEC);
    if (fd < 0)
        fail_errno(errno, "mkostemps", "could not create the file", path_);
    temporary_ = std::move(name);
    fd_ = UniqueFd(fd);
    if (::fchmod(fd_.get(), 0644) != 0) // mkostemps makes it 0600; outputs are for others to read too
        fail_with(errno, "fchmod", "could not create the file");
}

AtomicFile::~AtomicFile() {
    abandon();
}

void AtomicFile::abandon() noexcept {
    if (!fd_)
        return;
    fd_.reset();
    ::unlink(temporary_.c_str());
}

void AtomicFile::fail_with(int err, const char* call, const char* what, std::source_location where) {
    abandon();
    fail_errno(err, call, what, path_, where);
}

void AtomicFile::write(std::string_view bytes) {
    if (!fd_)
        fail("AtomicFile::write after a failure or after commit()", path_);
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd_.get(), bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) // write(2) returns 0 only for a zero count; treat it as no space rather than loop forever
            fail_with(n < 0 ? errno : ENOSPC, "write", "could not write the file");
        bytes.remove_prefix(std::size_t(n));
    }
}

void AtomicFile::commit() {
    if (!fd_)
        fail("AtomicFile::commit after a failure or twice", path_);
    if (::fsync(fd_.get()) != 0)
        fail_with(errno, "fsync", "could not write the file");
    // close() may report a deferred write error (NFS); Linux closes the fd even when it fails, so never retry it.
    const int fd = fd_.release();
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(temporary_.c_str());
        fail_errno(err, "close", "could not write the file", path_);
    }
    if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
        const int err = errno;
        ::unlink(temporary_.c_str());
        fail_errno(err, "rename", "could not move the file into place", path_);
    }
    // The file under `path` is whole now; syncing the directory only makes the rename durable across a crash. It
    // is best effort: a filesystem that cannot sync a directory (EINVAL) or fails to loses durability of the
    // rename, never the file's contents, so it does not fail the write.
    const int dir = ::open(directory_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        (void)::fsync(dir);
        ::close(dir);
    }
}

void write_file_atomically(const std::string& path, std::string_view bytes) {
    AtomicFile file(path);
    file.write(bytes);
    file.commit();
}

} // namespace cuvk::core
