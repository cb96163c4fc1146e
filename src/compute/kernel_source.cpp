// The annotations of a live kernel (kernel_source.hpp): one pass over the lines, every problem collected with its
// line number, one usage error listing them all.

#include "cuvk/compute/kernel_source.hpp"

#include "cuvk/core/error.hpp"

#include <cctype>
#include <cmath>
#include <regex>
#include <sstream>

namespace cuvk::compute {
namespace {

bool is_identifier(const std::string& s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
        return false;
    for (const char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
            return false;
    return true;
}

bool parse_float(const std::string& s, float& out) {
    try {
        std::size_t used = 0;
        out = std::stof(s, &used);
        return used == s.size() && std::isfinite(out);
    } catch (const std::exception&) {
        return false;
    }
}

bool parse_format(const std::string& s, PixelFormat& out) {
    for (const auto f :
         {PixelFormat::rgba8, PixelFormat::bgra8, PixelFormat::rgba16f, PixelFormat::rgba32f, PixelFormat::r32f})
        if (s == to_string(f)) {
            out = f;
            return true;
        }
    return false;
}

// Words of an annotation; a "quoted" word (the help text) may hold spaces.
std::vector<std::string> words(const std::string& rest) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < rest.size()) {
        while (i < rest.size() && std::isspace(static_cast<unsigned char>(rest[i])))
            ++i;
        if (i >= rest.size())
            break;
        if (rest[i] == '"') {
            const auto end = rest.find('"', i + 1);
            out.push_back(rest.substr(i, end == std::string::npos ? std::string::npos : end - i + 1));
            i = end == std::string::npos ? rest.size() : end + 1;
            continue;
        }
        const auto start = i;
        while (i < rest.size() && !std::isspace(static_cast<unsigned char>(rest[i])))
            ++i;
        out.push_back(rest.substr(start, i - start));
    }
    return out;
}

} // namespace

KernelSource parse_kernel_source(const std::string& text, const std::string& name) {
    std::vector<CompileError> problems;
    KernelSource k = parse_kernel_source(text, problems);
    if (!problems.empty()) {
        std::string message = "the kernel source " + name + " has " + std::to_string(problems.size()) + " problem(s):";
        for (const auto& p : problems)
            message += "\n  " + name + (p.line ? ":" + std::to_string(p.line) : std::string()) + ": " + p.message;
        core::fail_usage(message);
    }
    return k;
}

KernelSource parse_kernel_source(const std::string& text, std::vector<CompileError>& problems) {
    KernelSource k;
    k.text = text;
    bool have_kernel = false, have_output = false, have_block = false, have_state = false;
    std::istringstream in(text);
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        const auto at = [&](const std::string& what) { problems.push_back({std::uint32_t(number), what}); };
        const auto comment = line.find("//");
        if (comment == std::string::npos)
            continue;
        const auto tag = line.find_first_not_of(" \t", comment + 2);
        if (tag == std::string::npos || line[tag] != '@')
            continue;
        auto w = words(line.substr(tag));
        const std::string directive = w.front();
        w.erase(w.begin());
        if (directive == "@kernel") {
            if (have_kernel)
                at("a second @kernel");
            else if (w.size() != 1 || !is_identifier(w[0]))
                at("@kernel takes one function name");
            else
                k.kernel = w[0];
            have_kernel = true;
        } else if (directive == "@output") {
            if (have_output)
                at("a second @output");
            else if (w.size() != 1 || !parse_format(w[0], k.format))
                at("@output takes one of rgba8, bgra8, rgba16f, rgba32f, r32f");
            have_output = true;
        } else if (directive == "@block") {
            float x = 0, y = 0;
            if (have_block)
                at("a second @block");
            else if (w.size() != 2 || !parse_float(w[0], x) || !parse_float(w[1], y) || x < 1 || y < 1 ||
                     x != std::floor(x) || y != std::floor(y) || x * y > 1024)
                at("@block takes two whole numbers of threads, at most 1024 together");
            else
                k.block_x = std::uint32_t(x), k.block_y = std::uint32_t(y);
            have_block = true;
        } else if (directive == "@state") {
            if (have_state)
                at("a second @state");
            else if (w.size() != 1 || (w[0] != "float" && w[0] != "float2" && w[0] != "float4"))
                at("@state takes one of float, float2, float4");
            else
                k.state_floats = w[0] == "float" ? 1 : w[0] == "float2" ? 2 : 4;
            have_state = true;
        } else if (directive == "@param") {
            float value = 0, min = 0, max = 0;
            if (w.size() < 5 || w.size() > 6 || (w[0] != "float" && w[0] != "int")) {
                at("@param takes: float|int NAME DEFAULT MIN MAX [\"help\"]");
                continue;
            }
            const bool integer = w[0] == "int";
            const std::string& pname = w[1];
            if (!is_identifier(pname)) {
                at("parameter name '" + pname + "' is not an identifier");
                continue;
            }
            bool repeated = false;
            for (const auto& p : k.params)
                repeated = repeated || p.name == pname;
            if (repeated) {
                at("parameter '" + pname + "' is declared twice");
                continue;
            }
            if (!parse_float(w[2], value) || !parse_float(w[3], min) || !parse_float(w[4], max)) {
                at("parameter '" + pname + "': DEFAULT MIN MAX must be numbers");
                continue;
            }
            if (!(min <= value && value <= max)) {
                at("parameter '" + pname + "': the default " + w[2] + " is outside " + w[3] + ".." + w[4]);
                continue;
            }
            if (integer && (value != std::floor(value) || min != std::floor(min) || max != std::floor(max))) {
                at("parameter '" + pname + "' is an int: DEFAULT MIN MAX must be whole numbers");
                continue;
            }
            std::string help;
            if (w.size() == 6) {
                if (w[5].size() < 2 || w[5].front() != '"' || w[5].back() != '"') {
                    at("parameter '" + pname + "': the help text is \"quoted\"");
                    continue;
                }
                help = w[5].substr(1, w[5].size() - 2);
            }
            if (k.params.size() == kMaxKernelParams) {
                at("more than " + std::to_string(kMaxKernelParams) + " parameters");
                continue;
            }
            k.params.push_back(
                {.name = pname, .value = value, .min = min, .max = max, .help = help, .integer = integer});
        } else {
            at("unknown annotation " + directive + " (@kernel, @output, @param, @block, @state)");
        }
    }
    const std::regex definition("extern\\s+\"C\"\\s+__global__\\s+void\\s+" + k.kernel + "\\s*\\(");
    if (!std::regex_search(text, definition))
        problems.push_back({0, "no `extern \"C\" __global__ void " + k.kernel +
                                   "(` in the source: the function launched must be defined with C linkage"});
    return k;
}

} // namespace cuvk::compute
