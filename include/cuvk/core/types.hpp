#pragma once
// Strong types for values that are easy to mix up.

#include <compare>
#include <cstdint>
#include <string>

namespace cuvk::core {

// A value of a timeline semaphore. Only SharedTimeline (interop) and the frame ring advance them.
struct TimelineValue {
    std::uint64_t value = 0;
    constexpr auto operator<=>(const TimelineValue&) const = default;
    constexpr TimelineValue next() const { return {value + 1}; }
};

struct Extent2D {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    constexpr bool operator==(const Extent2D&) const = default;
    constexpr std::uint64_t pixels() const { return std::uint64_t(width) * height; }
    constexpr bool empty() const { return width == 0 || height == 0; }
};

// Size of mip level `level` of an image whose level 0 is `base`: each side halves, rounding down, never below 1.
constexpr Extent2D mip_extent(Extent2D base, std::uint32_t level) {
    const auto side = [level](std::uint32_t v) { return level >= 32 || (v >> level) == 0 ? 1u : v >> level; };
    return {side(base.width), side(base.height)};
}

// Parses "WxH" (both positive decimal integers); throws a usage error naming the text otherwise.
Extent2D parse_extent(const std::string& text);
std::string to_string(Extent2D extent);

struct QueueFamily {
    std::uint32_t index = 0;
    constexpr bool operator==(const QueueFamily&) const = default;
};

// The number of a frame since a ring started: 0, 1, 2, ... Distinct from TimelineValue (no conversion either way):
// the frame ring alone maps one to the other.
struct FrameIndex {
    std::uint64_t value = 0;
    constexpr auto operator<=>(const FrameIndex&) const = default;
    constexpr FrameIndex next() const { return {value + 1}; }
};

} // namespace cuvk::core
