#pragma once
// What every cuvk app does the same way (header-only; each app is one translation unit): one-line errors on stderr,
// stopping on SIGINT/SIGTERM, and parsing the command line with --list refusing every other option.

#include "cuvk/core/error.hpp"
#include "cuvk/core/text.hpp"
#include "cuvk/engine/registry.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cuvk::apps {

// Set by the SIGINT/SIGTERM handler, read by the app's work loop. A signal handler can reach only objects of static
// storage; lock-free atomics are safe to store from it.
inline std::atomic<bool> stop_requested{false};
inline std::atomic<int> stop_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" inline void on_stop_signal(int signal) {
    stop_signal.store(signal);
    stop_requested.store(true);
    ::signal(signal == SIGINT ? SIGTERM : SIGINT, SIG_DFL); // async-signal-safe (POSIX)
}

// The first SIGINT or SIGTERM asks the work to stop at its next step; SA_RESETHAND (and the handler, for the other
// signal) restores the default action, so a second signal of either kind ends the program at once — which may leave
// a temporary of a file being written (its name ends in .tmp; never a damaged final file).
inline void install_stop_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    action.sa_flags = SA_RESETHAND | SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

// The exit status of a stop by signal (130 for SIGINT, 143 for SIGTERM) and its name.
inline int stop_status() {
    const int s = stop_signal.load();
    return 128 + (s ? s : SIGINT);
}
inline const char* stop_name() {
    return stop_signal.load() == SIGTERM ? "SIGTERM" : "SIGINT";
}

// Prints "<app>: <text>" as one line on stderr, whatever `text` holds.
inline void print_error(const char* app, const std::string& text) {
    std::fprintf(stderr, "%s: %s\n", app, core::escape_control(text).c_str());
}

// Parses the command line; --list (when given) excludes every other option, since it would ignore them. Returns the
// exit status when the app should stop here (0 after --help, 2 on a usage error, printed as one line).
inline std::optional<int> parse_command_line(CLI::App& cli, CLI::Option* list_flag, int argc, char** argv,
                                             const char* app) {
    if (list_flag)
        for (auto* option : cli.get_options())
            if (option != list_flag && option != cli.get_help_ptr())
                list_flag->excludes(option);
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0)
            return cli.exit(e); // --help
        print_error(app, std::string(e.what()) + " (see --help)");
        return 2;
    }
    return std::nullopt;
}

// Prints an error as one line (with its source location when verbose) and returns the exit status: 2 for usage
// errors, 1 otherwise.
inline int report(const core::Error& e, bool verbose, const char* app) {
    print_error(app, verbose ? e.what() : e.is_usage() ? e.doing() : e.message());
    return e.is_usage() ? 2 : 1;
}

// --kernel FILE and --kernel-dir DIR (live kernels, compiled with NVRTC at start) and their compile options, shared
// by the gallery and the viewer.
struct KernelOptions {
    std::vector<std::string> files;
    std::vector<std::string> dirs;
    std::vector<std::string> defines;
    bool fast_math = false;
};

inline void add_kernel_options(CLI::App& cli, KernelOptions& k) {
    cli.add_option("--kernel", k.files, "a live kernel: CUDA C++ with // @param annotations (repeatable)");
    cli.add_option("--kernel-dir", k.dirs,
                   "every *.cu in DIR as a live kernel, offered in the panel's list of simulations (repeatable)");
    cli.add_option("--define", k.defines, "NAME or NAME=VALUE for live kernels (repeatable)");
    cli.add_flag("--fast-math", k.fast_math, "compile live kernels with --use_fast_math");
}

// The simulations add_kernels registered: those named by --kernel, and those found by --kernel-dir.
struct KernelNames {
    std::vector<std::string> files;
    std::vector<std::string> listed;
};

// Registers each --kernel, then each *.cu of each --kernel-dir (in name order; a file named by --kernel too is
// registered once), in `registry`, watched for changes when `watch`. Usage errors: a directory that cannot be read or
// holds no .cu file, a source whose annotations are malformed (naming the file).
inline KernelNames add_kernels(engine::Registry& registry, const KernelOptions& k, bool watch) {
    namespace fs = std::filesystem;
    const auto add = [&](const fs::path& file) {
        // A live kernel is named after its file's stem (LiveKernelInfo::name): two files of one stem cannot both be.
        const auto names = registry.names();
        if (std::find(names.begin(), names.end(), "live-" + file.stem().string()) != names.end())
            core::fail_usage(core::quote(file.string()) + " would be live-" + file.stem().string() +
                             ", which a kernel of the same file name already is: rename one");
        return engine::add_live_kernel(
            registry,
            {.file = file, .watch = watch, .options = {.arch = {}, .fast_math = k.fast_math, .defines = k.defines}});
    };
    KernelNames names;
    std::vector<fs::path> seen;
    std::error_code ec;
    for (const auto& file : k.files) {
        names.files.push_back(add(file));
        seen.push_back(fs::weakly_canonical(file, ec));
    }
    for (const auto& dir : k.dirs) {
        std::vector<fs::path> found;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
            if (std::error_code kind; it->path().extension() == ".cu" && it->is_regular_file(kind))
                found.push_back(it->path());
        if (ec)
            core::fail_usage("--kernel-dir " + core::quote(dir) + " cannot be read: " + ec.message());
        if (found.empty())
            core::fail_usage("--kernel-dir " + core::quote(dir) + " holds no .cu file");
        std::sort(found.begin(), found.end());
        for (const auto& file : found) {
            const auto canonical = fs::weakly_canonical(file, ec);
            if (std::find(seen.begin(), seen.end(), canonical) != seen.end())
                continue;
            seen.push_back(canonical);
            names.listed.push_back(add(file));
        }
    }
    return names;
}

} // namespace cuvk::apps
