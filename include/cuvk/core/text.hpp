#pragma once
// Echoing user text into a one-line message: what the user typed (a sample name, a --set value, a path) may hold
// newlines, escape sequences or bytes that are not UTF-8; these functions make it print as exactly one line.

#include <string>
#include <string_view>

namespace cuvk::core {

// `text` with every control character written as an escape: \n, \r, \t, \e, \xHH for other C0 bytes and DEL, \u00HH
// for C1 code points (U+0080..U+009F, which some terminals obey), and \xHH for each byte that is not part of a
// well-formed UTF-8 sequence. Printable ASCII and other UTF-8 pass through unchanged.
std::string escape_control(std::string_view text);

// `text` in single quotes, escaped as above, with backslash and single quote escaped too, so the quoted text is
// unambiguous: quote("a'b\n") is 'a\'b\n'.
std::string quote(std::string_view text);

} // namespace cuvk::core
