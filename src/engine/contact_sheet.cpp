#include "contact_sheet.hpp"

#include "canvas.hpp"

#include "cuvk/core/error.hpp"

#include <algorithm>

namespace cuvk::engine {
namespace {

constexpr std::uint32_t kLabelHeight = 28;
constexpr std::uint32_t kPadding = 8;

using Rect = CanvasRect;

// The largest rectangle of `src`'s aspect ratio inside `cell` (each side at least 1), centred in it.
Rect fit(core::Extent2D src, Rect cell) {
    std::uint64_t w = cell.width, h = std::uint64_t(cell.width) * src.height / src.width;
    if (h > cell.height) {
        h = cell.height;
        w = std::uint64_t(cell.height) * src.width / src.height;
    }
    w = std::clamp<std::uint64_t>(w, 1, cell.width);
    h = std::clamp<std::uint64_t>(h, 1, cell.height);
    return {cell.x + (cell.width - std::uint32_t(w)) / 2, cell.y + (cell.height - std::uint32_t(h)) / 2,
            std::uint32_t(w), std::uint32_t(h)};
}

// Box filter: each destination pixel averages the source pixels that map onto it. The work is proportional to the
// source's pixels plus the destination's, whatever their aspect ratios.
void draw_scaled(render::Pixels& sheet, const render::Pixels& src, Rect dst) {
    const auto span = [](std::uint32_t i, std::uint32_t dst_size, std::uint32_t src_size) {
        const auto first = std::uint32_t(std::uint64_t(i) * src_size / dst_size);
        const auto last = std::uint32_t(std::uint64_t(i + 1) * src_size / dst_size);
        return std::pair{first, std::clamp(last, first + 1, src_size)};
    };
    for (std::uint32_t y = 0; y < dst.height; ++y) {
        const auto [sy0, sy1] = span(y, dst.height, src.extent.height);
        for (std::uint32_t x = 0; x < dst.width; ++x) {
            const auto [sx0, sx1] = span(x, dst.width, src.extent.width);
            std::uint64_t sum[3] = {0, 0, 0};
            for (std::uint32_t sy = sy0; sy < sy1; ++sy)
                for (std::uint32_t sx = sx0; sx < sx1; ++sx) {
                    const std::uint8_t* p = &src.bytes[(std::size_t(sy) * src.extent.width + sx) * 4];
                    sum[0] += p[0];
                    sum[1] += p[1];
                    sum[2] += p[2];
                }
            const std::uint64_t count = std::uint64_t(sy1 - sy0) * (sx1 - sx0);
            put_pixel(sheet, dst.x + x, dst.y + y,
                      {std::uint8_t(sum[0] / count), std::uint8_t(sum[1] / count), std::uint8_t(sum[2] / count)});
        }
    }
}

} // namespace

render::Pixels make_contact_sheet(const std::vector<SheetEntry>& entries, std::uint32_t cell_width,
                                  std::uint32_t columns) {
    render::Pixels sheet;
    if (entries.empty())
        return sheet;
    if (cell_width < 16 || cell_width > 4096 || columns < 1 || columns > 16)
        core::fail("make_contact_sheet: cell width " + std::to_string(cell_width) + " outside 16..4096 or " +
                   std::to_string(columns) + " columns outside 1..16");
    for (const auto& e : entries)
        if (!e.pixels || e.pixels->extent.empty() || e.pixels->bytes_per_pixel != 4 ||
            e.pixels->bytes.size() != e.pixels->extent.pixels() * 4)
            core::fail("make_contact_sheet: the frame is missing or not tightly packed RGBA8", e.label);
    columns = std::min<std::uint32_t>(columns, std::uint32_t(entries.size()));
    const auto& first = entries.front().pixels->extent;
    const std::uint32_t cell_height = std::uint32_t(
        std::clamp<std::uint64_t>(std::uint64_t(cell_width) * first.height / first.width, cell_width / kMaxCellAspect,
                                  std::uint64_t(cell_width) * kMaxCellAspect));
    const std::uint64_t rows = (entries.size() + columns - 1) / columns;
    const std::uint64_t width = std::uint64_t(columns) * (cell_width + kPadding) + kPadding;
    const std::uint64_t height = rows * (cell_height + kLabelHeight + kPadding) + kPadding;
    if (width * height > kMaxSheetPixels)
        core::fail("the contact sheet of " + std::to_string(entries.size()) + " frames would be " +
                   std::to_string(width) + "x" + std::to_string(height) + ", over the limit of " +
                   std::to_string(kMaxSheetPixels) + " pixels (kMaxSheetPixels)");
    sheet = make_canvas({std::uint32_t(width), std::uint32_t(height)}, {24, 24, 24});
    for (std::size_t e = 0; e < entries.size(); ++e) {
        const Rect cell{kPadding + std::uint32_t(e % columns) * (cell_width + kPadding),
                        kPadding + std::uint32_t(e / columns) * (cell_height + kLabelHeight + kPadding), cell_width,
                        cell_height};
        draw_scaled(sheet, *entries[e].pixels, fit(entries[e].pixels->extent, cell));
        draw_text(sheet, entries[e].label, {cell.x + 2, cell.y + cell_height + 6, cell_width - 2, kLabelHeight - 6}, 2,
                  {235, 235, 235});
    }
    return sheet;
}

} // namespace cuvk::engine
