// png_diff ACTUAL.png EXPECTED.png [PER_CHANNEL [BAD_FRACTION]] — compares two RGBA8 PNGs within a tolerance
// (engine::compare_images) and exits 0 when they match, 1 with the reason when they do not, 2 on bad arguments.
// The examples' install test compares their output with goldens through it.
#include "cuvk/engine/image_diff.hpp"
#include "cuvk/render/readback.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>

int main(int argc, char** argv) {
    if (argc < 3 || argc > 5) {
        std::fprintf(stderr, "usage: png_diff ACTUAL.png EXPECTED.png [PER_CHANNEL [BAD_FRACTION]]\n");
        return 2;
    }
    try {
        const cuvk::compute::Tolerance tolerance{.per_channel = argc > 3 ? std::atoi(argv[3]) : 0,
                                                 .max_bad_fraction = argc > 4 ? std::atof(argv[4]) : 0.0};
        const auto d =
            cuvk::engine::compare_images(cuvk::render::read_png(argv[1]), cuvk::render::read_png(argv[2]), tolerance);
        if (!d.passed) {
            std::fprintf(stderr, "png_diff: %s differs from %s: %s\n", argv[1], argv[2], d.message.c_str());
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "png_diff: %s\n", e.what());
        return 1;
    }
}
