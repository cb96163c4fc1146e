// cuvk-gallery as a user runs it: exit 0 on success, 2 on usage errors with one line on stderr, nothing written.

#include <algorithm>
#include <array>
#include <fstream>
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

TEST(GalleryCli, WritesPngsTheContactSheetAndTheReport) {
    const auto dir = temp_dir("ok");
    const auto r = run("--backend cpu --sample gray-scott --frames 3 --size 64x48 --check --out " + dir);
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("backend cpu"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("check ok"), std::string::npos) << r.output;
    for (const char* f : {"/gray-scott.png", "/gallery.png", "/report.json"})
        EXPECT_TRUE(std::filesystem::exists(dir + f)) << f;
    std::ifstream report(dir + "/report.json");
    const std::string text((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
    for (const char* key : {"\"fps\"", "\"p99_ms\"", "\"simulation\"", "\"draw\"", "\"host_frame\"", "\"device\""})
        EXPECT_NE(text.find(key), std::string::npos) << key << " missing in " << text;
}

TEST(GalleryCli, ListsEverySampleWithItsParameters) {
    const auto r = run("--list");
    EXPECT_EQ(r.code, 0) << r.output;
    for (const char* name : {"gray-scott:", "fluid:", "particles:", "waves:", "fractal:"})
        EXPECT_NE(r.output.find(name), std::string::npos) << name;
}

TEST(GalleryCli, BadInputIsOneLineAndExitCode2AndWritesNothing) {
    const auto dir = temp_dir("bad");
    for (const std::string args :
         {"--size 0x0", "--size 12x", "--size axb", "--size -4x4", "--backend nope", "--size 65536x65536",
          "--frames x", "--no-such-option", "--sample nope", "--set nope=1", "--sample gray-scott --set feed=7",
          "--sample gray-scott --set feed=abc", "--sync nope", "--frames-in-flight 9", "--frames-in-flight 2 --batch 3",
          "--frames 0"}) {
        const auto r = run("--backend cpu " + args + " --out " + dir);
        EXPECT_EQ(r.code, 2) << args << ": " << r.output;
        EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << args << ": " << r.output;
        EXPECT_FALSE(std::filesystem::exists(dir)) << args;
    }
}

TEST(GalleryCli, AnUnwritableOutputDirectoryIsAUsageError) {
    const auto r = run("--backend cpu --sample gray-scott --frames 1 --out /proc/cuvk-cannot-write-here");
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("/proc/cuvk-cannot-write-here"), std::string::npos) << r.output;
}
