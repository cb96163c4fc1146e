#pragma once
// cuvk::core::Error — the one exception type of cuvk.
//
// Carries which API failed, the call text, the result by name, what was being done, the object's debug name and
// where it was thrown. what() is formatted once as `file:line call(RESULT): what [object]; note`; message() is the same
// without `file:line`: the one line a user reads (apps show what() only when asked to be verbose).

#include <source_location>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cuvk::core {

enum class Api {
    cuvk,  // a check of cuvk's own (bad state, unsupported request)
    usage, // bad input from the user: apps exit 2 on these
    vulkan,
    cuda,
    system,      // errno-style OS calls
    interrupted, // the caller asked the work to stop (a signal, in apps): nothing failed
};

class Error : public std::runtime_error {
public:
    struct Info {
        Api api = Api::cuvk;
        std::string call;   // the expression that failed, e.g. "vkCreateImage(...)"; empty for cuvk/usage errors
        std::string result; // the result by name, e.g. "VK_ERROR_OUT_OF_DEVICE_MEMORY"
        std::string what;   // what was being done
        std::string object; // debug name of the resource, may be empty
        std::string note;   // what else the reader should know, after the object (e.g. which outputs are complete)
    };

    explicit Error(Info info, std::source_location where = std::source_location::current());

    Api api() const noexcept { return info_.api; }
    bool is_usage() const noexcept { return info_.api == Api::usage; }
    bool is_interrupted() const noexcept { return info_.api == Api::interrupted; }
    // `call(RESULT): what [object]; note`, without the source location.
    const std::string& message() const noexcept { return message_; }
    const std::string& call() const noexcept { return info_.call; }
    const std::string& result() const noexcept { return info_.result; }
    const std::string& doing() const noexcept { return info_.what; }
    const std::string& object() const noexcept { return info_.object; }
    const std::string& note() const noexcept { return info_.note; }
    const Info& info() const noexcept { return info_; }
    const std::source_location& where() const noexcept { return where_; }

private:
    Info info_;
    std::source_location where_;
    std::string message_;
};

// Throws a cuvk-level error (no API call involved).
[[noreturn]] void fail(std::string what, std::string object = {},
                       std::source_location where = std::source_location::current());

// Throws a usage error: bad input from the user (unknown option value, malformed size, ...). Apps exit 2.
[[noreturn]] void fail_usage(std::string what, std::source_location where = std::source_location::current());

// Throws an error marked as interrupted: the work stopped because the caller asked it to (see GalleryInfo::stop).
[[noreturn]] void fail_interrupted(std::string what, std::source_location where = std::source_location::current());

// Throws a system error built from errno.
[[noreturn]] void fail_errno(int err, std::string call, std::string what, std::string object = {},
                             std::source_location where = std::source_location::current());

// What CUVK_ASSERT throws: "assertion failed: <condition>: <why>" (out of line, so each use stays small).
[[noreturn]] void fail_assertion(const char* condition, std::string_view why,
                                 std::source_location where = std::source_location::current());

} // namespace cuvk::core

// Programmer errors only (broken invariants), never bad input: throws with the reason, never aborts.
#define CUVK_ASSERT(cond, why)                                                                                         \
    do {                                                                                                               \
        if (!(cond))                                                                                                   \
            ::cuvk::core::fail_assertion(#cond, (why));                                                                \
    } while (0)
