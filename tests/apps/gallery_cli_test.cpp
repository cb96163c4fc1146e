// cuvk-gallery as a user runs it: exit 0 on success, 2 on usage errors with one line on stderr, nothing written.

#include <array>
#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <sys/wait.h>

namespace {

struct Run {
    int code = -1;
    std::string output;
};

Run run(const std::string& args) {
    const std::string command = std::string(CUVK_GALLERY_PATH) + " " + args + " 2>&1";
    Run r;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe)
        return r;
    std::array<char, 4096> buffer{};
    while (std::fgets(buffer.data(), int(buffer.size()), pipe))
        r.output += buffer.data();
    const int status = ::pclose(pipe);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string temp_dir(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / ("cuvk-cli-" + name);
    std::filesystem::remove_all(dir);
    return dir.string();
}

} // namespace

TEST(GalleryCli, WritesThePngAndSaysWhichBackendRan) {
    const auto dir = temp_dir("ok");
    const auto r = run("--backend cpu --size 64x48 --out " + dir);
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("backend cpu"), std::string::npos) << r.output;
    EXPECT_TRUE(std::filesystem::exists(dir + "/pattern.png"));
}

TEST(GalleryCli, BadInputIsOneLineAndExitCode2AndWritesNothing) {
    const auto dir = temp_dir("bad");
    for (const std::string args : {"--size 0x0", "--size 12x", "--size axb", "--size -4x4", "--backend nope",
                                   "--size 65536x65536", "--frame x", "--no-such-option"}) {
        const auto r = run(args + " --out " + dir);
        EXPECT_EQ(r.code, 2) << args << ": " << r.output;
        EXPECT_FALSE(r.output.empty()) << args;
        EXPECT_FALSE(std::filesystem::exists(dir + "/pattern.png")) << args;
    }
}

TEST(GalleryCli, AnUnwritableOutputDirectoryIsAUsageError) {
    const auto r = run("--backend cpu --out /proc/cuvk-cannot-write-here");
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("/proc/cuvk-cannot-write-here"), std::string::npos) << r.output;
}
