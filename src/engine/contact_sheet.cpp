#include "contact_sheet.hpp"

#include <algorithm>
#include <stb/stb_easy_font.h>

namespace cuvk::engine {
namespace {

constexpr std::uint32_t kLabelHeight = 28;
constexpr std::uint32_t kPadding = 8;

void put(render::Pixels& sheet, int x, int y, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    if (x < 0 || y < 0 || std::uint32_t(x) >= sheet.extent.width || std::uint32_t(y) >= sheet.extent.height)
        return;
    std::uint8_t* p = &sheet.bytes[(std::size_t(y) * sheet.extent.width + std::uint32_t(x)) * 4];
    p[0] = r;
    p[1] = g;
    p[2] = b;
    p[3] = 255;
}

// stb_easy_font emits axis-aligned quads (4 vertices of 16 bytes: x, y, z, colour); fill them at `scale`.
void draw_text(render::Pixels& sheet, const std::string& text, int x0, int y0, int scale) {
    std::vector<char> buffer(text.size() * 300 + 64);
    const int quads =
        stb_easy_font_print(0, 0, const_cast<char*>(text.c_str()), nullptr, buffer.data(), int(buffer.size()));
    const auto* v = reinterpret_cast<const float*>(buffer.data());
    for (int q = 0; q < quads; ++q) {
        const float* quad = v + q * 16;
        const float x_min = std::min({quad[0], quad[4], quad[8], quad[12]});
        const float x_max = std::max({quad[0], quad[4], quad[8], quad[12]});
        const float y_min = std::min({quad[1], quad[5], quad[9], quad[13]});
        const float y_max = std::max({quad[1], quad[5], quad[9], quad[13]});
        for (int y = int(y_min * scale); y < int(y_max * scale); ++y)
            for (int x = int(x_min * scale); x < int(x_max * scale); ++x)
                put(sheet, x0 + x, y0 + y, 235, 235, 235);
    }
}

} // namespace

render::Pixels make_contact_sheet(const std::vector<SheetEntry>& entries, std::uint32_t cell_width,
                                  std::uint32_t columns) {
    render::Pixels sheet;
    if (entries.empty())
        return sheet;
    columns = std::min<std::uint32_t>(columns, std::uint32_t(entries.size()));
    const auto& first = *entries.front().pixels;
    const std::uint32_t cell_height =
        std::max(1u, std::uint32_t(std::uint64_t(cell_width) * first.extent.height / first.extent.width));
    const std::uint32_t rows = std::uint32_t((entries.size() + columns - 1) / columns);
    sheet.extent = {columns * (cell_width + kPadding) + kPadding,
                    rows * (cell_height + kLabelHeight + kPadding) + kPadding};
    sheet.bytes.assign(sheet.extent.pixels() * 4, 0);
    for (std::size_t i = 3; i < sheet.bytes.size(); i += 4) {
        sheet.bytes[i - 3] = sheet.bytes[i - 2] = sheet.bytes[i - 1] = 24;
        sheet.bytes[i] = 255;
    }
    for (std::size_t e = 0; e < entries.size(); ++e) {
        const auto& src = *entries[e].pixels;
        const std::uint32_t x0 = kPadding + std::uint32_t(e % columns) * (cell_width + kPadding);
        const std::uint32_t y0 = kPadding + std::uint32_t(e / columns) * (cell_height + kLabelHeight + kPadding);
        // Box filter: each cell pixel averages the source pixels that map onto it.
        for (std::uint32_t y = 0; y < cell_height; ++y) {
            const std::uint32_t sy0 = std::uint32_t(std::uint64_t(y) * src.extent.height / cell_height);
            const std::uint32_t sy1 =
                std::max(sy0 + 1, std::uint32_t(std::uint64_t(y + 1) * src.extent.height / cell_height));
            for (std::uint32_t x = 0; x < cell_width; ++x) {
                const std::uint32_t sx0 = std::uint32_t(std::uint64_t(x) * src.extent.width / cell_width);
                const std::uint32_t sx1 =
                    std::max(sx0 + 1, std::uint32_t(std::uint64_t(x + 1) * src.extent.width / cell_width));
                std::uint32_t sum[3] = {0, 0, 0}, count = 0;
                for (std::uint32_t sy = sy0; sy < std::min(sy1, src.extent.height); ++sy)
                    for (std::uint32_t sx = sx0; sx < std::min(sx1, src.extent.width); ++sx) {
                        const std::uint8_t* p = &src.bytes[(std::size_t(sy) * src.extent.width + sx) * 4];
                        sum[0] += p[0];
                        sum[1] += p[1];
                        sum[2] += p[2];
                        ++count;
                    }
                count = std::max(count, 1u);
                put(sheet, int(x0 + x), int(y0 + y), std::uint8_t(sum[0] / count), std::uint8_t(sum[1] / count),
                    std::uint8_t(sum[2] / count));
            }
        }
        draw_text(sheet, entries[e].label, int(x0 + 2), int(y0 + cell_height + 6), 2);
    }
    return sheet;
}

} // namespace cuvk::engine
