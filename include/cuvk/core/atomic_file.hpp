#pragma once
// cuvk::core::AtomicFile — a file that appears under its final name whole, or not at all.
//
// The bytes go to a temporary beside the final path ("<path>.XXXXXX.tmp": same directory, hence same filesystem;
// a unique name created exclusively, so concurrent writers of one path never share it). commit() fsyncs and closes
// it — a failed fsync or close is a failed write (write-back errors surface there) — renames it over `path`, then
// fsyncs the directory (best effort) so that the rename itself survives a crash. A failure at any
// step, and destroying an AtomicFile that was not committed (an exception unwinding, an interrupted run), removes
// the temporary, so nothing this writer made is left under `path` or beside it.
//
// Every failure throws core::Error (Api::system) whose object is `path`: the file the caller asked for, never the
// temporary. Owns the temporary's fd. Not copyable or movable. One thread at a time.

#include "cuvk/core/unique_fd.hpp"

#include <source_location>
#include <string>
#include <string_view>

namespace cuvk::core {

class AtomicFile {
public:
    // Creates the temporary (mode 0644); throws naming `path` when it cannot.
    explicit AtomicFile(std::string path);
    ~AtomicFile(); // removes the temporary unless committed
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // Appends all of `bytes` (short writes continue, EINTR retries). After a failure the temporary is gone and every
    // later call throws.
    void write(std::string_view bytes);
    // Makes the file complete under `path`; at most once.
    void commit();

    const std::string& path() const noexcept { return path_; }

private:
    void abandon() noexcept; // closes and removes the temporary
    [[noreturn]] void fail_with(int err, const char* call, const char* what,
                                std::source_location where = std::source_location::current());

    std::string path_;
    std::string temporary_;
    UniqueFd fd_; // open while writing; empty once committed or abandoned
};

// Writes `bytes` to `path` through an AtomicFile.
void write_file_atomically(const std::string& path, std::string_view bytes);

} // namespace cuvk::core
