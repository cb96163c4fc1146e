// cuvk-gallery as a user runs it (docs/cli-contract.md): exit 0 on success, 1 on runtime failures, 2 on usage errors
// with one line on stderr and nothing written, 130/143 when interrupted; every file complete or absent.

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;

struct Run {
    int code = -1;
    std::string output;
};

// Runs `command` through /bin/sh, stdout and stderr together.
Run shell(const std::string& command) {
    Run r;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe)
        return r;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        r.output.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

Run run(const std::string& args) {
    return shell(std::string(CUVK_GALLERY_PATH) + " " + args);
}

std::string temp_dir(const std::string& name) {
    const auto dir = fs::temp_directory_path() / ("cuvk-cli-" + name);
    fs::remove_all(dir);
    return dir.string();
}

std::string read(const fs::path& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// One line of printable text: a single '\n', at the end, and no other control byte.
bool is_one_line(const std::string& text) {
    if (text.empty() || text.back() != '\n')
        return false;
    return std::none_of(text.begin(), text.end() - 1,
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A PNG that was written to its end: its last chunk is IEND (empty, with its fixed CRC).
bool is_complete_png(const fs::path& path) {
    static const std::string kIend("\0\0\0\0IEND\xae\x42\x60\x82", 12);
    const std::string bytes = read(path);
    return bytes.size() > 12 + 8 && bytes.starts_with("\x89PNG") && bytes.ends_with(kIend);
}

std::pair<std::uint32_t, std::uint32_t> png_size(const fs::path& path) {
    const std::string b = read(path);
    const auto be32 = [&](std::size_t i) {
        return std::uint32_t(std::uint8_t(b[i])) << 24 | std::uint32_t(std::uint8_t(b[i + 1])) << 16 |
               std::uint32_t(std::uint8_t(b[i + 2])) << 8 | std::uint32_t(std::uint8_t(b[i + 3]));
    };
    return b.size() < 24 ? std::pair{0u, 0u} : std::pair{be32(16), be32(20)};
}

std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    return names;
}

struct BadInput {
    std::string environment, arguments, contains;
    int exit = -1;
};

// The table at the end of docs/cli-contract.md: | environment | arguments | exit | the one line contains |.
std::vector<BadInput> read_contract_table() {
    std::ifstream doc(CUVK_CLI_CONTRACT);
    std::vector<BadInput> rows;
    std::string line;
    bool in_table = false;
    const auto cell = [](std::string s) {
        s.erase(0, s.find_first_not_of(' '));
        s.erase(s.find_last_not_of(' ') + 1);
        if (s.size() >= 2 && s.front() == '`' && s.back() == '`')
            s = s.substr(1, s.size() - 2);
        return s;
    };
    while (std::getline(doc, line)) {
        if (line.starts_with("## "))
            in_table = line == "## Bad inputs";
        if (!in_table || !line.starts_with("|") || line.starts_with("| environment") || line.starts_with("| ---"))
            continue;
        std::vector<std::string> cells;
        for (std::size_t start = 1, bar; (bar = line.find('|', start)) != std::string::npos; start = bar + 1)
            cells.push_back(cell(line.substr(start, bar - start)));
        if (cells.size() == 4)
            rows.push_back({cells[0], cells[1], cells[3], std::stoi(cells[2])});
        else
            ADD_FAILURE() << "a malformed row in the table: " << line;
    }
    return rows;
}

} // namespace

TEST(GalleryCli, WritesPngsTheContactSheetAndTheReport) {
    const auto dir = temp_dir("ok");
    const auto r = run("--backend cpu --sample gray-scott --frames 3 --size 64x48 --check --out " + dir);
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("backend cpu"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("check ok"), std::string::npos) << r.output;
    for (const char* f : {"/gray-scott.png", "/gallery.png", "/report.json"})
        EXPECT_TRUE(fs::exists(dir + f)) << f;
    const std::string text = read(dir + "/report.json");
    for (const char* key : {"\"fps\"", "\"p99_ms\"", "\"simulation\"", "\"draw\"", "\"host_frame\"", "\"device\""})
        EXPECT_NE(text.find(key), std::string::npos) << key << " missing in " << text;
}

TEST(GalleryCli, ListsEverySampleWithItsParameters) {
    const auto r = run("--list");
    EXPECT_EQ(r.code, 0) << r.output;
    for (const char* name : {"gray-scott:", "fluid:", "particles:", "waves:", "fractal:"})
        EXPECT_NE(r.output.find(name), std::string::npos) << name;
}

TEST(GalleryCli, EveryBadInputOfTheContractIsOneLineWithItsExitCodeAndWritesNothing) {
    const auto rows = read_contract_table();
    ASSERT_GE(rows.size(), 30u) << "the table in " << CUVK_CLI_CONTRACT;
    const auto dir = temp_dir("bad");
    for (const auto& row : rows) {
        fs::remove_all(dir);
        fs::create_directories(dir);
        const auto r = shell("cd " + dir + " && " + row.environment + " " + CUVK_GALLERY_PATH + " " + row.arguments);
        const std::string what = row.environment + " " + row.arguments + ": " + r.output;
        EXPECT_EQ(r.code, row.exit) << what;
        EXPECT_TRUE(is_one_line(r.output)) << what;
        EXPECT_NE(r.output.find(row.contains), std::string::npos) << "expected '" << row.contains << "' in " << what;
        EXPECT_EQ(r.output.find(".cpp:"), std::string::npos) << "a source location without --verbose: " << what;
        EXPECT_FALSE(fs::exists(dir + "/out")) << what;
    }
}

TEST(GalleryCli, VerboseAddsTheSourceLocation) {
    const auto r = run("--backend cpu --size 0x0 --verbose");
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_TRUE(is_one_line(r.output)) << r.output;
    EXPECT_NE(r.output.find(".cpp:"), std::string::npos) << r.output;
}

TEST(GalleryCli, AnUnwritableOutputDirectoryIsAUsageError) {
    const auto r = run("--backend cpu --sample gray-scott --frames 1 --out /proc/cuvk-cannot-write-here");
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("/proc/cuvk-cannot-write-here"), std::string::npos) << r.output;
}

// A full disk, for real: RLIMIT_FSIZE (`ulimit -f`, in 512-byte blocks in a POSIX shell) fails every write past
// 2 KiB with EFBIG. gray-scott.png (~1.3 KB) fits; the contact sheet (~10 KB) does not.
TEST(GalleryCli, AFailedWriteLeavesNoFileUnderAFinalNameAndNamesIt) {
    const auto dir = temp_dir("full");
    const auto r = shell("ulimit -f 4 && trap '' XFSZ && exec " + std::string(CUVK_GALLERY_PATH) +
                         " --backend cpu --sample gray-scott --frames 3 --size 64x48 --out " + dir);
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_TRUE(is_one_line(r.output)) << r.output;
    EXPECT_NE(r.output.find("[" + dir + "/gallery.png]"), std::string::npos) << "names the file: " << r.output;
    EXPECT_NE(r.output.find("1 complete file(s) in '" + dir + "': gray-scott.png"), std::string::npos) << r.output;
    EXPECT_TRUE(is_complete_png(dir + "/gray-scott.png"));
    EXPECT_FALSE(fs::exists(dir + "/gallery.png"));
    EXPECT_FALSE(fs::exists(dir + "/report.json"));
    for (const auto& name : files_in(dir))
        EXPECT_FALSE(name.ends_with(".tmp")) << name;
}

TEST(GalleryCli, AnExtremeAspectRatioMakesABoundedContactSheet) {
    for (const char* size : {"1x16384", "16384x1"}) {
        const auto dir = temp_dir("aspect");
        const auto start = std::chrono::steady_clock::now();
        const auto r =
            run(std::string("--backend cpu --sample gray-scott --frames 2 --size ") + size + " --out " + dir);
        const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        EXPECT_EQ(r.code, 0) << size << ": " << r.output;
        const auto [w, h] = png_size(dir + "/gallery.png");
        EXPECT_TRUE(w > 0 && w <= 2048 && h > 0 && h <= 2048) << size << ": the sheet is " << w << "x" << h;
        EXPECT_LT(seconds, 60.0) << size;
    }
}

// SIGINT and SIGTERM mid-run: the run stops before its next file, exits 128 + signal, and leaves only complete
// files (no *.tmp, every PNG ending in IEND). The signal is sent once the first PNG exists, while samples remain.
class GalleryInterrupt : public testing::TestWithParam<int> {};

TEST_P(GalleryInterrupt, LeavesOnlyCompleteFilesAndExitsWith128PlusTheSignal) {
    const int signal = GetParam();
    const auto dir = temp_dir("signal" + std::to_string(signal));
    const auto log = dir + ".log";
    std::vector<std::string> args = {CUVK_GALLERY_PATH, "--backend", "cpu",   "--frames", "4", "--png-every", "1",
                                     "--size",          "64x64",     "--out", dir};
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    bool started = false;
    while (!started && std::chrono::steady_clock::now() < deadline) {
        std::error_code ec;
        if (fs::is_directory(dir, ec))
            for (const auto& name : files_in(dir))
                started = started || name.ends_with(".png");
        if (!started)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    EXPECT_TRUE(started) << "no PNG appeared";
    ::kill(pid, signal);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    const std::string output = read(log);
    ASSERT_TRUE(WIFEXITED(status)) << output;
    EXPECT_EQ(WEXITSTATUS(status), 128 + signal) << output;
    EXPECT_TRUE(is_one_line(output)) << output;
    EXPECT_NE(output.find(signal == SIGINT ? "SIGINT" : "SIGTERM"), std::string::npos) << output;
    EXPECT_NE(output.find("complete file(s)"), std::string::npos) << output;
    EXPECT_FALSE(fs::exists(dir + "/gallery.png")) << "the run went on after the signal";
    for (const auto& name : files_in(dir)) {
        EXPECT_FALSE(name.ends_with(".tmp")) << name;
        if (name.ends_with(".png")) {
            EXPECT_TRUE(is_complete_png(fs::path(dir) / name)) << name;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Signals, GalleryInterrupt, testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) { return info.param == SIGINT ? "SIGINT" : "SIGTERM"; });
