#include "pattern.cuh"
#include "pattern.hpp"

namespace cuvk::compute {

void fill_words_cpu(SpanView<std::uint32_t> out, std::uint32_t seed) {
    for (std::size_t i = 0; i < out.count; ++i)
        out.data[i] = pattern::word(i, seed);
}

void fill_rgba8_cpu(PitchedView<std::uint32_t> out, std::uint32_t frame) {
    const auto [w, h] = out.extent;
    for (std::uint32_t y = 0; y < h; ++y) {
        auto* row = reinterpret_cast<std::uint32_t*>(reinterpret_cast<char*>(out.data) + y * out.pitch);
        for (std::uint32_t x = 0; x < w; ++x)
            row[x] = pattern::rgba8(x, y, w, h, frame);
    }
}

std::vector<std::uint32_t> expected_rgba8(core::Extent2D extent, std::uint32_t frame) {
    std::vector<std::uint32_t> out(extent.pixels());
    fill_rgba8_cpu({out.data(), extent, extent.width * sizeof(std::uint32_t)}, frame);
    return out;
}

} // namespace cuvk::compute
