#include "core/error.hpp"
#include "render/readback.hpp"
#include "support/image_compare.hpp"

#include <filesystem>
#include <gtest/gtest.h>

using namespace cuvk;

namespace {
render::Pixels gradient(core::Extent2D e) {
    render::Pixels p{.extent = e, .bytes_per_pixel = 4};
    p.bytes.resize(e.pixels() * 4);
    for (std::size_t i = 0; i < e.pixels(); ++i) {
        p.bytes[i * 4 + 0] = std::uint8_t(i);
        p.bytes[i * 4 + 1] = std::uint8_t(i >> 8);
        p.bytes[i * 4 + 2] = std::uint8_t(i * 7);
        p.bytes[i * 4 + 3] = 255;
    }
    return p;
}
} // namespace

TEST(Png, RoundTripsEveryByte) {
    const auto dir = std::filesystem::temp_directory_path() / "cuvk-png-test";
    std::filesystem::create_directories(dir);
    const auto path = (dir / "g.png").string();
    const auto written = gradient({123, 45});
    render::write_png(path, written);
    const auto read = render::read_png(path);
    EXPECT_EQ(read.extent, written.extent);
    EXPECT_EQ(read.bytes, written.bytes);
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(Png, AnUnwritablePathThrowsAndLeavesNothing) {
    const std::string path = "/nonexistent-dir-cuvk/x.png";
    EXPECT_THROW(render::write_png(path, gradient({4, 4})), core::Error);
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(Png, ReadingAMissingFileNamesIt) {
    try {
        (void)render::read_png("/nonexistent-dir-cuvk/y.png");
        FAIL() << "no exception";
    } catch (const core::Error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent-dir-cuvk/y.png"), std::string::npos);
    }
}

// The golden-image checker must be able to fail.
TEST(ImageCompare, FailsOnAChangedPixelAndOnASizeMismatch) {
    const auto a = gradient({16, 16});
    auto b = a;
    EXPECT_TRUE(test::compare_pixels(a, b, {}).ok);
    b.bytes[5 * 4 + 1] ^= 0x40;
    const auto r = test::compare_pixels(a, b, {.per_channel = 2});
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.bad_pixels, 1u);
    EXPECT_EQ(r.max_difference, 0x40);
    EXPECT_TRUE(test::compare_pixels(a, b, {.per_channel = 0x40}).ok);
    EXPECT_TRUE(test::compare_pixels(a, b, {.per_channel = 0, .max_bad_fraction = 0.01}).ok);
    EXPECT_FALSE(test::compare_pixels(a, gradient({16, 15}), {.per_channel = 255}).ok);
}
