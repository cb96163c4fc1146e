#include "cuvk/core/error.hpp"

#include <cstring>
#include <string_view>

namespace cuvk::core {
namespace {

std::string_view basename_of(std::string_view path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string format_message(const Error::Info& info) {
    std::string out;
    if (!info.call.empty()) {
        out += info.call;
        out += '(';
        out += info.result.empty() ? "?" : info.result;
        out += "): ";
    } else if (!info.result.empty()) {
        out += info.result;
        out += ": ";
    }
    out += info.what;
    if (!info.object.empty()) {
        out += " [";
        out += info.object;
        out += ']';
    }
    if (!info.note.empty()) {
        out += "; ";
        out += info.note;
    }
    return out;
}

std::string format(const std::string& message, const std::source_location& where) {
    return std::string(basename_of(where.file_name())) + ':' + std::to_string(where.line()) + ' ' + message;
}

} // namespace

Error::Error(Info info, std::source_location where)
    : std::runtime_error(format(format_message(info), where)), info_(std::move(info)), where_(where),
      message_(format_message(info_)) {}

void fail(std::string what, std::string object, std::source_location where) {
    throw Error({.api = Api::cuvk, .what = std::move(what), .object = std::move(object)}, where);
}

void fail_usage(std::string what, std::source_location where) {
    throw Error({.api = Api::usage, .what = std::move(what)}, where);
}

void fail_interrupted(std::string what, std::source_location where) {
    throw Error({.api = Api::interrupted, .what = std::move(what)}, where);
}

void fail_errno(int err, std::string call, std::string what, std::string object, std::source_location where) {
    throw Error({.api = Api::system,
                 .call = std::move(call),
                 .result = std::strerror(err),
                 .what = std::move(what),
                 .object = std::move(object)},
                where);
}

void fail_assertion(const char* condition, std::string_view why, std::source_location where) {
    fail(std::string("assertion failed: ") + condition + ": " + std::string(why), {}, where);
}

} // namespace cuvk::core
