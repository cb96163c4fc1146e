#include "cuvk/core/error.hpp"

#include <cstring>
#include <string_view>

namespace cuvk::core {
namespace {

std::string_view basename_of(std::string_view path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string format(const Error::Info& info, const std::source_location& where) {
    std::string out;
    out += basename_of(where.file_name());
    out += ':';
    out += std::to_string(where.line());
    out += ' ';
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
    return out;
}

} // namespace

Error::Error(Info info, std::source_location where)
    : std::runtime_error(format(info, where)), info_(std::move(info)), where_(where) {}

void fail(std::string what, std::string object, std::source_location where) {
    throw Error({.api = Api::cuvk, .what = std::move(what), .object = std::move(object)}, where);
}

void fail_usage(std::string what, std::source_location where) {
    throw Error({.api = Api::usage, .what = std::move(what)}, where);
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
