#pragma once
// A labelled contact sheet: each sample's final frame scaled into a grid cell with its name and backend under it.
// Made on the CPU once per gallery run (not a frame path).

#include "cuvk/render/readback.hpp"

#include <string>
#include <vector>

namespace cuvk::engine {

struct SheetEntry {
    std::string label;
    const render::Pixels* pixels = nullptr;
};

render::Pixels make_contact_sheet(const std::vector<SheetEntry>& entries, std::uint32_t cell_width = 480,
                                  std::uint32_t columns = 3);

} // namespace cuvk::engine
