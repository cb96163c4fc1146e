#include "canvas.hpp"

#include <algorithm>
#include <cmath>
#include <stb/stb_easy_font.h>
#include <vector>

namespace cuvk::engine {

render::Pixels make_canvas(core::Extent2D extent, Rgb background) {
    render::Pixels image{.extent = extent, .bytes = std::vector<std::uint8_t>(extent.pixels() * 4)};
    for (std::size_t i = 0; i < image.bytes.size(); i += 4) {
        image.bytes[i] = background.r;
        image.bytes[i + 1] = background.g;
        image.bytes[i + 2] = background.b;
        image.bytes[i + 3] = 255;
    }
    return image;
}

void put_pixel(render::Pixels& image, std::int64_t x, std::int64_t y, Rgb colour) {
    if (x < 0 || y < 0 || x >= std::int64_t(image.extent.width) || y >= std::int64_t(image.extent.height))
        return;
    std::uint8_t* p = &image.bytes[(std::size_t(y) * image.extent.width + std::size_t(x)) * 4];
    p[0] = colour.r;
    p[1] = colour.g;
    p[2] = colour.b;
    p[3] = 255;
}

void fill_rect(render::Pixels& image, CanvasRect rect, Rgb colour) {
    for (std::uint32_t y = rect.y; y < rect.y + rect.height; ++y)
        for (std::uint32_t x = rect.x; x < rect.x + rect.width; ++x)
            put_pixel(image, x, y, colour);
}

void draw_line(render::Pixels& image, double x0, double y0, double x1, double y1, Rgb colour, int thickness) {
    const double steps = std::max({std::abs(x1 - x0), std::abs(y1 - y0), 1.0});
    const int lo = -(thickness - 1) / 2, hi = thickness / 2;
    for (int i = 0; i <= int(steps); ++i) {
        const double t = double(i) / steps;
        const auto x = std::int64_t(std::lround(x0 + (x1 - x0) * t));
        const auto y = std::int64_t(std::lround(y0 + (y1 - y0) * t));
        for (int dy = lo; dy <= hi; ++dy)
            for (int dx = lo; dx <= hi; ++dx)
                put_pixel(image, x + dx, y + dy, colour);
    }
}

// stb_easy_font emits axis-aligned quads (4 vertices of 16 bytes: x, y, z, colour); they are filled at `scale`.
void draw_text(render::Pixels& image, const std::string& text, CanvasRect clip, int scale, Rgb ink) {
    std::vector<char> buffer(text.size() * 640 + 1024); // up to 10 quads of 64 bytes per character
    const int quads =
        stb_easy_font_print(0, 0, const_cast<char*>(text.c_str()), nullptr, buffer.data(), int(buffer.size()));
    const auto* v = reinterpret_cast<const float*>(buffer.data());
    for (int q = 0; q < quads; ++q) {
        const float* quad = v + q * 16;
        const int x_min = int(std::min({quad[0], quad[4], quad[8], quad[12]}) * scale);
        const int x_max = int(std::max({quad[0], quad[4], quad[8], quad[12]}) * scale);
        const int y_min = int(std::min({quad[1], quad[5], quad[9], quad[13]}) * scale);
        const int y_max = int(std::max({quad[1], quad[5], quad[9], quad[13]}) * scale);
        for (int y = std::max(y_min, 0); y < std::min(y_max, int(clip.height)); ++y)
            for (int x = std::max(x_min, 0); x < std::min(x_max, int(clip.width)); ++x)
                put_pixel(image, clip.x + std::uint32_t(x), clip.y + std::uint32_t(y), ink);
    }
}

std::uint32_t text_width(const std::string& text, int scale) {
    return std::uint32_t(stb_easy_font_width(const_cast<char*>(text.c_str())) * scale);
}

} // namespace cuvk::engine
