#include "cuvk/core/error.hpp"
#include "cuvk/core/types.hpp"

#include <gtest/gtest.h>
#include <type_traits>

using cuvk::core::Extent2D;
using cuvk::core::parse_extent;

TEST(Extent, ParsesValidSizesIncludingOddOnes) {
    EXPECT_EQ(parse_extent("1920x1080"), (Extent2D{1920, 1080}));
    EXPECT_EQ(parse_extent("1001x701"), (Extent2D{1001, 701}));
    EXPECT_EQ(parse_extent("1x1"), (Extent2D{1, 1}));
    EXPECT_EQ(parse_extent("65536x65536"), (Extent2D{65536, 65536})); // syntax is fine; device limits decide
}

TEST(Extent, RejectsMalformedZeroAndNegativeSizesAsUsageErrors) {
    for (const char* bad : {"0x0", "12x", "axb", "x12", "-5x10", "10x-5", "10", "", "10x10x10", "4294967296x1",
                            " 10x10", "10 x10", "0x10"}) {
        try {
            (void)parse_extent(bad);
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const cuvk::core::Error& e) {
            EXPECT_TRUE(e.is_usage()) << bad;
            EXPECT_NE(e.doing().find(std::string("'") + bad + "'"), std::string::npos) << e.doing();
        }
    }
}

TEST(TimelineValue, OrdersAndAdvances) {
    cuvk::core::TimelineValue v{41};
    EXPECT_EQ(v.next().value, 42u);
    EXPECT_LT(v, v.next());
}

// The frame ring alone maps frames to timeline values: neither converts into the other.
static_assert(!std::is_convertible_v<cuvk::core::FrameIndex, cuvk::core::TimelineValue>);
static_assert(!std::is_convertible_v<cuvk::core::TimelineValue, cuvk::core::FrameIndex>);
static_assert(!std::is_convertible_v<std::uint64_t, cuvk::core::FrameIndex>);
static_assert(cuvk::core::mip_extent({1001, 701}, 3) == cuvk::core::Extent2D{125, 87});
static_assert(cuvk::core::mip_extent({1001, 1}, 5) == cuvk::core::Extent2D{31, 1});
