#include "cuvk/core/text.hpp"

#include <cstdint>
#include <cstdio>

namespace cuvk::core {
namespace {

void append_hex(std::string& out, const char* prefix, unsigned value) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%s%02x", prefix, value & 0xffu);
    out += buf;
}

// Length of the well-formed UTF-8 sequence at the start of `s` (2..4), or 0 when there is none. Overlong forms,
// surrogates and code points beyond U+10FFFF are not well-formed (Unicode 15, table 3-7).
std::size_t utf8_length(std::string_view s) {
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(s[i]); };
    const std::uint8_t lead = byte(0);
    std::size_t length = 0;
    std::uint8_t low = 0x80, high = 0xbf; // the range of the second byte
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        low = lead == 0xe0 ? 0xa0 : 0x80;
        high = lead == 0xed ? 0x9f : 0xbf;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        low = lead == 0xf0 ? 0x90 : 0x80;
        high = lead == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (s.size() < length || byte(1) < low || byte(1) > high)
        return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (byte(i) < 0x80 || byte(i) > 0xbf)
            return 0;
    return length;
}

std::string escape(std::string_view text, bool quoting) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<std::uint8_t>(text[i]);
        if (c >= 0x80) {
            const std::size_t n = utf8_length(text.substr(i));
            if (n == 0) {
                append_hex(out, "\\x", c);
                ++i;
            } else if (n == 2 && c == 0xc2 && static_cast<std::uint8_t>(text[i + 1]) < 0xa0) {
                append_hex(out, "\\u00", static_cast<std::uint8_t>(text[i + 1])); // a C1 control
                i += 2;
            } else {
                out.append(text.substr(i, n));
                i += n;
            }
            continue;
        }
        switch (c) {
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case 0x1b:
            out += "\\e";
            break;
        case '\\':
            out += quoting ? "\\\\" : "\\";
            break;
        case '\'':
            out += quoting ? "\\'" : "'";
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                append_hex(out, "\\x", c);
            else
                out += char(c);
        }
        ++i;
    }
    return out;
}

} // namespace

std::string escape_control(std::string_view text) {
    return escape(text, false);
}

std::string quote(std::string_view text) {
    return "'" + escape(text, true) + "'";
}

} // namespace cuvk::core
