// core::AtomicFile: whole or absent. Write failures are real ones: RLIMIT_FSIZE makes write(2) fail with EFBIG past
// the limit, as a full disk fails it with ENOSPC.

#include "cuvk/core/atomic_file.hpp"
#include "cuvk/core/error.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/resource.h>

namespace fs = std::filesystem;
using cuvk::core::AtomicFile;
using cuvk::core::Error;

namespace {

// Whether a temporary of AtomicFile ("<name>.XXXXXX.tmp") is left beside `path`.
bool has_temporary(const std::string& path) {
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()))
        if (e.path().string().ends_with(".tmp"))
            return true;
    return false;
}

// Limits the size of files this process writes, and ignores SIGXFSZ so that the write fails instead of killing us.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        rlimit limited = saved_;
        limited.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &limited);
        handler_ = std::signal(SIGXFSZ, SIG_IGN);
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, handler_);
    }

private:
    rlimit saved_{};
    void (*handler_)(int) = SIG_DFL;
};

fs::path fresh_dir(const std::string& name) {
    const auto dir = fs::temp_directory_path() / ("cuvk-atomic-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string read(const fs::path& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

} // namespace

TEST(AtomicFile, CommitPutsTheWholeFileInPlaceAndLeavesNoTemporary) {
    const auto dir = fresh_dir("ok");
    const auto path = (dir / "report.json").string();
    {
        AtomicFile file(path);
        file.write("{\"a\": ");
        EXPECT_FALSE(fs::exists(path)) << "nothing under the final name before commit";
        file.write("1}\n");
        file.commit();
    }
    EXPECT_EQ(read(path), "{\"a\": 1}\n");
    EXPECT_FALSE(has_temporary(path));
}

TEST(AtomicFile, AnUncommittedFileLeavesNothing) {
    const auto dir = fresh_dir("abandoned");
    const auto path = (dir / "x.png").string();
    {
        AtomicFile file(path);
        file.write("partial");
        EXPECT_TRUE(has_temporary(path));
    } // e.g. an exception or an interrupted run unwinding
    EXPECT_FALSE(fs::exists(path));
    EXPECT_FALSE(has_temporary(path));
}

TEST(AtomicFile, AFailedWriteLeavesNoFileAndNamesIt) {
    const auto dir = fresh_dir("full");
    const auto path = (dir / "gallery.png").string();
    const std::string big(64 * 1024, 'x');
    try {
        FileSizeLimit limit(4096);
        cuvk::core::write_file_atomically(path, big);
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.object(), path);
        EXPECT_EQ(e.call(), "write");
        EXPECT_NE(e.message().find(path), std::string::npos) << e.message();
        EXPECT_EQ(e.message().find(".tmp"), std::string::npos) << "names the temporary: " << e.message();
    }
    EXPECT_FALSE(fs::exists(path));
    EXPECT_FALSE(has_temporary(path));
}

TEST(AtomicFile, AFailedWriteKeepsThePreviousFileWhole) {
    const auto dir = fresh_dir("keep");
    const auto path = (dir / "report.json").string();
    cuvk::core::write_file_atomically(path, "old\n");
    {
        FileSizeLimit limit(16);
        EXPECT_THROW(cuvk::core::write_file_atomically(path, std::string(4096, 'n')), Error);
    }
    EXPECT_EQ(read(path), "old\n");
    EXPECT_FALSE(has_temporary(path));
}

TEST(AtomicFile, AMissingDirectoryNamesTheFile) {
    try {
        AtomicFile file("/nonexistent-dir-cuvk/out.png");
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.object(), "/nonexistent-dir-cuvk/out.png");
        EXPECT_EQ(e.api(), cuvk::core::Api::system);
    }
}

TEST(AtomicFile, WritingAfterAFailureThrowsInsteadOfWritingAHole) {
    const auto dir = fresh_dir("after");
    const auto path = (dir / "a.bin").string();
    AtomicFile file(path);
    {
        FileSizeLimit limit(8);
        EXPECT_THROW(file.write(std::string(1024, 'a')), Error);
    }
    EXPECT_THROW(file.write("b"), Error);
    EXPECT_THROW(file.commit(), Error);
    EXPECT_FALSE(fs::exists(path));
    EXPECT_FALSE(has_temporary(path));
}

// Two writers of one path never share a temporary (each is created exclusively), and a planted "<path>.tmp" (here a
// symlink to a file that must not be touched) is neither followed nor removed.
TEST(AtomicFile, ConcurrentWritersAndAPlantedTemporaryAreHarmless) {
    const auto dir = fresh_dir("concurrent");
    const auto path = (dir / "out.json").string();
    const auto victim = (dir / "victim").string();
    cuvk::core::write_file_atomically(victim, "keep me");
    std::filesystem::create_symlink(victim, path + ".tmp");
    {
        AtomicFile a(path), b(path);
        a.write("aaaa");
        b.write("bb");
        a.commit();
        EXPECT_EQ(read(path), "aaaa");
        b.commit();
    }
    EXPECT_EQ(read(path), "bb");
    EXPECT_EQ(read(victim), "keep me");
    EXPECT_TRUE(std::filesystem::is_symlink(path + ".tmp")) << "not ours to remove";
}
