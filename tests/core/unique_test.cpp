#include "cuvk/core/error.hpp"
#include "cuvk/core/unique.hpp"
#include "cuvk/core/unique_fd.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <vector>

namespace {

struct Recorder {
    std::vector<int>* destroyed = nullptr;
    void operator()(int h) const noexcept { destroyed->push_back(h); }
};
using UniqueInt = cuvk::core::Unique<int, Recorder>;

bool fd_is_open(int fd) {
    return ::fcntl(fd, F_GETFD) != -1;
}

} // namespace

TEST(Unique, DestroysOnceAndMovedFromIsEmpty) {
    std::vector<int> destroyed;
    {
        UniqueInt a(7, {&destroyed});
        UniqueInt b(std::move(a));
        EXPECT_FALSE(a); // NOLINT(bugprone-use-after-move): moved-from must be empty
        EXPECT_EQ(b.get(), 7);
        UniqueInt c;
        c = std::move(b);
        EXPECT_TRUE(c);
        EXPECT_TRUE(destroyed.empty());
    }
    EXPECT_EQ(destroyed, std::vector<int>{7});
}

TEST(Unique, MoveAssignDestroysThePreviousHandle) {
    std::vector<int> destroyed;
    UniqueInt a(1, {&destroyed});
    UniqueInt b(2, {&destroyed});
    a = std::move(b);
    EXPECT_EQ(destroyed, std::vector<int>{1});
    EXPECT_EQ(a.get(), 2);
}

TEST(Unique, ReleaseGivesUpOwnership) {
    std::vector<int> destroyed;
    {
        UniqueInt a(3, {&destroyed});
        EXPECT_EQ(a.release(), 3);
        EXPECT_FALSE(a);
    }
    EXPECT_TRUE(destroyed.empty());
}

TEST(UniqueFd, ClosesTheFdAndTreatsMinusOneAsEmpty) {
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    const int read_end = pipe_fds[0];
    {
        cuvk::core::UniqueFd fd(read_end);
        EXPECT_TRUE(fd_is_open(read_end));
        cuvk::core::UniqueFd copy = cuvk::core::dup_fd(read_end, "test");
        EXPECT_NE(copy.get(), read_end);
    }
    EXPECT_FALSE(fd_is_open(read_end));
    ::close(pipe_fds[1]);
    cuvk::core::UniqueFd empty;
    EXPECT_FALSE(empty);
    EXPECT_EQ(empty.get(), -1);
}

TEST(UniqueFd, DupOfABadFdThrowsNamingIt) {
    try {
        (void)cuvk::core::dup_fd(-5, "exported memory");
        FAIL() << "no exception";
    } catch (const cuvk::core::Error& e) {
        EXPECT_NE(std::string(e.what()).find("exported memory"), std::string::npos) << e.what();
    }
}
