#include "cuvk/core/error.hpp"
#include "cuvk/render/readback.hpp"

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
