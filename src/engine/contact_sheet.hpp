#pragma once
// A labelled contact sheet: each sample's final frame scaled into a grid cell with its name and backend under it.
// Made on the CPU once per gallery run (not a frame path).
//
// Bounded whatever the frames' sizes: a cell is `cell_width` wide and as tall as the first frame's aspect ratio
// asks, clamped to [cell_width / kMaxCellAspect, cell_width * kMaxCellAspect]; each frame is scaled to fit its cell
// with its aspect ratio kept (at least one pixel on each side) and centred. So a 1x16384 frame makes a narrow
// strip in an ordinary cell, not a sheet millions of pixels tall. The sheet's size is checked against
// kMaxSheetPixels before it is allocated.

#include "cuvk/render/readback.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cuvk::engine {

struct SheetEntry {
    std::string label;
    const render::Pixels* pixels = nullptr; // RGBA8, tightly packed, not empty
};

inline constexpr std::uint32_t kMaxCellAspect = 4;
inline constexpr std::uint64_t kMaxSheetPixels = 64ull << 20;

// Throws core::Error (not a usage error: the gallery's inputs cannot reach it) for a cell width outside 16..4096,
// columns outside 1..16, an entry without RGBA8 pixels, or a sheet over kMaxSheetPixels.
render::Pixels make_contact_sheet(const std::vector<SheetEntry>& entries, std::uint32_t cell_width = 480,
                                  std::uint32_t columns = 3);

} // namespace cuvk::engine
