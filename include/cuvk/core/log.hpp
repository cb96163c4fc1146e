#pragma once
// Logging is an injected callback, never a global: whoever creates a context passes one in.

#include <functional>
#include <string_view>

namespace cuvk::core {

enum class LogLevel { debug, info, warning, error };

using LogFn = std::function<void(LogLevel, std::string_view)>;

// Writes "cuvk: <level>: message" to stderr; a reasonable default for apps and tests.
void log_to_stderr(LogLevel level, std::string_view message);

const char* to_string(LogLevel level);

} // namespace cuvk::core
