#include "cuvk/engine/image_diff.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace cuvk::engine {

ImageDiff compare_images(const render::Pixels& actual, const render::Pixels& expected, compute::Tolerance tolerance) {
    ImageDiff r;
    if (actual.extent != expected.extent || actual.bytes_per_pixel != expected.bytes_per_pixel ||
        actual.bytes.size() != expected.bytes.size()) {
        r.bad_pixels = std::max(actual.extent.pixels(), expected.extent.pixels());
        r.bad_fraction = 1.0;
        r.message =
            "size " + core::to_string(actual.extent) + " differs from the expected " + core::to_string(expected.extent);
        return r;
    }
    const std::size_t channels = actual.bytes_per_pixel;
    for (std::size_t p = 0; p < actual.extent.pixels(); ++p) {
        int worst = 0;
        for (std::size_t c = 0; c < channels; ++c)
            worst =
                std::max(worst, std::abs(int(actual.bytes[p * channels + c]) - int(expected.bytes[p * channels + c])));
        r.max_difference = std::max(r.max_difference, worst);
        if (worst > tolerance.per_channel)
            ++r.bad_pixels;
    }
    r.bad_fraction = double(r.bad_pixels) / double(std::max<std::uint64_t>(1, actual.extent.pixels()));
    r.passed = r.bad_fraction <= tolerance.max_bad_fraction;
    if (!r.passed) {
        char buf[160];
        std::snprintf(buf, sizeof buf,
                      "%llu pixels (%.4f%%) differ by more than %d (largest difference %d; allowed %.4f%%)",
                      static_cast<unsigned long long>(r.bad_pixels), r.bad_fraction * 100.0, tolerance.per_channel,
                      r.max_difference, tolerance.max_bad_fraction * 100.0);
        r.message = buf;
    }
    return r;
}

} // namespace cuvk::engine
