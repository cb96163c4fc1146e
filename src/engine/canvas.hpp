#pragma once
// Drawing on RGBA8 pixels on the CPU — text (stb_easy_font), lines and rectangles — for the gallery's contact sheet
// and the bench's plots. Everything is clipped to the image; nothing here is a frame path.

#include "cuvk/render/readback.hpp"

#include <cstdint>
#include <string>

namespace cuvk::engine {

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
};

struct CanvasRect {
    std::uint32_t x = 0, y = 0, width = 0, height = 0;
};

// An opaque image of `extent` filled with `background`.
render::Pixels make_canvas(core::Extent2D extent, Rgb background);
void put_pixel(render::Pixels& image, std::int64_t x, std::int64_t y, Rgb colour);
void fill_rect(render::Pixels& image, CanvasRect rect, Rgb colour);
// A line `thickness` pixels wide from (x0, y0) to (x1, y1).
void draw_line(render::Pixels& image, double x0, double y0, double x1, double y1, Rgb colour, int thickness = 1);
// `text` with its top-left corner at the clip rectangle's, each font pixel `scale` pixels wide, clipped to `clip`.
void draw_text(render::Pixels& image, const std::string& text, CanvasRect clip, int scale, Rgb ink);
// Width in pixels of `text` drawn at `scale`.
std::uint32_t text_width(const std::string& text, int scale);

} // namespace cuvk::engine
