#pragma once
// How an image or buffer is shared between queue families (ImageInfo::concurrent, BufferInfo::concurrent).

#include "cuvk/core/types.hpp"

#include <vulkan/vulkan.h>

#include <algorithm>
#include <span>
#include <vector>

namespace cuvk::render {

struct Sharing {
    VkSharingMode mode = VK_SHARING_MODE_EXCLUSIVE;
    std::vector<std::uint32_t> families; // the distinct families, when concurrent
};

// Concurrent where two or more distinct families are named (the spec requires them unique), else exclusive.
inline Sharing sharing_of(std::span<const core::QueueFamily> families) {
    Sharing out;
    for (const auto f : families)
        if (std::find(out.families.begin(), out.families.end(), f.index) == out.families.end())
            out.families.push_back(f.index);
    if (out.families.size() < 2)
        out.families.clear();
    else
        out.mode = VK_SHARING_MODE_CONCURRENT;
    return out;
}

} // namespace cuvk::render
