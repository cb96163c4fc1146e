#include "pattern.cuh"
#include "pattern.hpp"

#include <gtest/gtest.h>
#include <set>

using namespace cuvk::compute;

TEST(PatternCpu, PixelsDependOnPositionAndFrame) {
    const auto a = expected_rgba8({97, 53}, 0);
    const auto b = expected_rgba8({97, 53}, 1);
    EXPECT_NE(a, b);
    EXPECT_EQ(a[0] >> 24, 0xffu); // opaque
    // A transposed or shifted copy must not match: neighbours differ.
    EXPECT_NE(a[1], a[0]);
    EXPECT_NE(a[97], a[0]);
}

TEST(PatternCpu, WordsAreWellMixed) {
    std::set<std::uint32_t> seen;
    for (std::uint64_t i = 0; i < 10000; ++i)
        seen.insert(pattern::word(i, 1));
    EXPECT_EQ(seen.size(), 10000u);
    EXPECT_NE(pattern::word(5, 1), pattern::word(5, 2));
}
