// write_png through core::AtomicFile: a PNG is complete under its name or absent. The failure is a real one:
// RLIMIT_FSIZE makes write(2) fail past the limit (EFBIG), as a full disk does (ENOSPC).

#include "cuvk/core/error.hpp"
#include "cuvk/render/readback.hpp"

#include <csignal>
#include <filesystem>
#include <gtest/gtest.h>
#include <sys/resource.h>

using namespace cuvk;
namespace fs = std::filesystem;

namespace {

render::Pixels noise(core::Extent2D e) {
    render::Pixels p{.extent = e, .bytes_per_pixel = 4};
    p.bytes.resize(e.pixels() * 4);
    std::uint32_t x = 12345;
    for (auto& b : p.bytes) { // incompressible, so the PNG is about as large as the pixels
        x = x * 1664525u + 1013904223u;
        b = std::uint8_t(x >> 24);
    }
    return p;
}

} // namespace

TEST(PngWrite, AFailedWriteLeavesNoPngAndNamesIt) {
    const auto dir = fs::temp_directory_path() / "cuvk-png-full";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto path = (dir / "gallery.png").string();
    rlimit saved{};
    ::getrlimit(RLIMIT_FSIZE, &saved);
    rlimit limited = saved;
    limited.rlim_cur = 8192;
    const auto handler = std::signal(SIGXFSZ, SIG_IGN);
    ::setrlimit(RLIMIT_FSIZE, &limited);
    std::string message;
    try {
        render::write_png(path, noise({128, 128})); // ~64 KiB
    } catch (const core::Error& e) {
        message = e.message();
    }
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, handler);
    EXPECT_NE(message.find(path), std::string::npos) << "the error names the file: " << message;
    EXPECT_FALSE(fs::exists(path)) << "a truncated PNG under its final name";
    EXPECT_FALSE(fs::exists(path + ".tmp"));
    // The same write without the limit succeeds and reads back.
    render::write_png(path, noise({128, 128}));
    EXPECT_EQ(render::read_png(path).bytes, noise({128, 128}).bytes);
}

TEST(PngWrite, SizesBeyondTheEncodersLimitAreRefusedBeforeEncoding) {
    render::Pixels huge{.extent = {1u << 20, 1u << 20}, .bytes_per_pixel = 4}; // no bytes: refused on the size
    try {
        render::write_png((fs::temp_directory_path() / "cuvk-huge.png").string(), huge);
        FAIL() << "no exception";
    } catch (const core::Error& e) {
        EXPECT_NE(e.message().find("kMaxPngPixels"), std::string::npos) << e.message();
    }
}
