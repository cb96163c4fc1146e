#include "support/image_compare.hpp"

#include <cstdlib>
#include <filesystem>

namespace cuvk::test {

CompareResult compare_pixels(const render::Pixels& actual, const render::Pixels& expected, Tolerance tolerance) {
    CompareResult r;
    if (actual.extent != expected.extent || actual.bytes.size() != expected.bytes.size()) {
        r.message = "size " + core::to_string(actual.extent) + " differs from the expected " +
                    core::to_string(expected.extent);
        r.bad_pixels = std::max(actual.extent.pixels(), expected.extent.pixels());
        return r;
    }
    const std::size_t channels = actual.bytes_per_pixel;
    for (std::size_t p = 0; p < actual.extent.pixels(); ++p) {
        int worst = 0;
        for (std::size_t c = 0; c < channels; ++c) {
            const int d = std::abs(int(actual.bytes[p * channels + c]) - int(expected.bytes[p * channels + c]));
            worst = std::max(worst, d);
        }
        r.max_difference = std::max(r.max_difference, worst);
        if (worst > tolerance.per_channel)
            ++r.bad_pixels;
    }
    const double fraction = double(r.bad_pixels) / double(std::max<std::uint64_t>(1, actual.extent.pixels()));
    r.ok = fraction <= tolerance.max_bad_fraction;
    if (!r.ok)
        r.message = std::to_string(r.bad_pixels) + " pixels differ by more than " +
                    std::to_string(tolerance.per_channel) + " (largest difference " +
                    std::to_string(r.max_difference) + ")";
    return r;
}

CompareResult compare_with_golden(const render::Pixels& actual, const std::string& golden_path,
                                  const std::string& name, Tolerance tolerance) {
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
    auto r = compare_pixels(actual, golden, tolerance);
    if (r.ok)
        return r;
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
