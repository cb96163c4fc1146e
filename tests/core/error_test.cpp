#include "cuvk/core/error.hpp"

#include <gtest/gtest.h>

using cuvk::core::Api;
using cuvk::core::Error;

TEST(Error, FormatsFileLineCallResultWhatAndObject) {
    try {
        throw Error({.api = Api::vulkan,
                     .call = "vkCreateImage",
                     .result = "VK_ERROR_OUT_OF_DEVICE_MEMORY",
                     .what = "the device is out of memory",
                     .object = "gray-scott.out"});
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_TRUE(what.starts_with("error_test.cpp:")) << what;
        EXPECT_NE(
            what.find(" vkCreateImage(VK_ERROR_OUT_OF_DEVICE_MEMORY): the device is out of memory [gray-scott.out]"),
            std::string::npos)
            << what;
        EXPECT_EQ(e.api(), Api::vulkan);
        EXPECT_EQ(e.result(), "VK_ERROR_OUT_OF_DEVICE_MEMORY");
        EXPECT_EQ(e.object(), "gray-scott.out");
        EXPECT_FALSE(e.is_usage());
        return;
    }
    FAIL() << "no exception";
}

TEST(Error, UsageErrorsAreMarkedAndCarryTheirText) {
    try {
        cuvk::core::fail_usage("unknown sample 'foo'");
    } catch (const Error& e) {
        EXPECT_TRUE(e.is_usage());
        EXPECT_EQ(e.doing(), "unknown sample 'foo'");
        return;
    }
    FAIL() << "no exception";
}

TEST(Error, ErrnoErrorsNameTheCallAndTheReason) {
    try {
        cuvk::core::fail_errno(ENOENT, "open", "could not open", "/nope");
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("open(No such file or directory): could not open [/nope]"),
                  std::string::npos)
            << e.what();
        return;
    }
    FAIL() << "no exception";
}

TEST(Error, AssertThrowsWithTheReasonInsteadOfAborting) {
    EXPECT_THROW(CUVK_ASSERT(1 + 1 == 3, "arithmetic"), Error);
    EXPECT_NO_THROW(CUVK_ASSERT(1 + 1 == 2, "arithmetic"));
}
