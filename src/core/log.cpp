#include "cuvk/core/log.hpp"

#include <cstdio>

namespace cuvk::core {

const char* to_string(LogLevel level) {
    switch (level) {
    case LogLevel::debug:
        return "debug";
    case LogLevel::info:
        return "info";
    case LogLevel::warning:
        return "warning";
    case LogLevel::error:
        return "error";
    }
    return "?";
}

void log_to_stderr(LogLevel level, std::string_view message) {
    std::fprintf(stderr, "cuvk: %s: %.*s\n", to_string(level), int(message.size()), message.data());
}

} // namespace cuvk::core
