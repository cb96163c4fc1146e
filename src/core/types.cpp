#include "cuvk/core/types.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/core/text.hpp"

#include <charconv>

namespace cuvk::core {
namespace {

bool parse_dimension(const char* first, const char* last, std::uint32_t& out) {
    if (first == last || *first < '0' || *first > '9')
        return false;
    const auto [ptr, ec] = std::from_chars(first, last, out);
    return ec == std::errc{} && ptr == last && out > 0;
}

} // namespace

Extent2D parse_extent(const std::string& text) {
    const auto x = text.find('x');
    Extent2D extent;
    if (x == std::string::npos || !parse_dimension(text.data(), text.data() + x, extent.width) ||
        !parse_dimension(text.data() + x + 1, text.data() + text.size(), extent.height))
        fail_usage("size " + quote(text) + " is not WIDTHxHEIGHT with two positive integers (e.g. 1920x1080)");
    return extent;
}

std::string to_string(Extent2D extent) {
    return std::to_string(extent.width) + "x" + std::to_string(extent.height);
}

} // namespace cuvk::core
