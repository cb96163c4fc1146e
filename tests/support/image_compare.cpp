#include "support/image_compare.hpp"

#include "cuvk/engine/image_diff.hpp"

#include <cstdlib>
#include <filesystem>

namespace cuvk::test {

CompareResult compare_with_golden(const render::Pixels& actual, const std::string& golden_path, const std::string& name,
                                  compute::Tolerance tolerance) {
    namespace fs = std::filesystem;
    const char* update = std::getenv("CUVK_UPDATE_GOLDEN");
    const bool updating = update && std::string(update) == "1";
    if (!fs::exists(golden_path)) {
        if (updating) {
            render::write_png(golden_path, actual);
            return {.ok = true, .message = "golden written"};
        }
        return {.ok = false, .message = "golden image " + golden_path + " is missing (CUVK_UPDATE_GOLDEN=1 writes it)"};
    }
    const auto golden = render::read_png(golden_path);
    const auto diff = engine::compare_images(actual, golden, tolerance);
    if (diff.passed)
        return {.ok = true};
    CompareResult r{.ok = false, .message = diff.message};
    if (updating) {
        render::write_png(golden_path, actual);
        return {.ok = true, .message = "golden rewritten"};
    }
    fs::create_directories("actual");
    fs::create_directories("diff");
    const std::string actual_path = "actual/" + name + ".png";
    const std::string diff_path = "diff/" + name + ".png";
    render::write_png(actual_path, actual);
    if (golden.extent == actual.extent) {
        render::Pixels diff = actual;
        for (std::size_t p = 0; p < actual.extent.pixels(); ++p) {
            for (int c = 0; c < 3; ++c) {
                const int d = std::abs(int(actual.bytes[p * 4 + c]) - int(golden.bytes[p * 4 + c]));
                diff.bytes[p * 4 + c] = std::uint8_t(std::min(255, d * 8));
            }
            diff.bytes[p * 4 + 3] = 255;
        }
        render::write_png(diff_path, diff);
    }
    r.message += "; wrote " + (fs::current_path() / actual_path).string() + " and " + diff_path;
    return r;
}

} // namespace cuvk::test
