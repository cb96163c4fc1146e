#include "cuvk/compute/simulation.hpp"

namespace cuvk::compute {

std::size_t bytes_per_texel(PixelFormat format) {
    switch (format) {
    case PixelFormat::rgba8:
    case PixelFormat::bgra8:
    case PixelFormat::r32f:
        return 4;
    case PixelFormat::rgba16f:
        return 8;
    case PixelFormat::rgba32f:
        return 16;
    }
    return 4;
}

const char* to_string(PixelFormat format) {
    switch (format) {
    case PixelFormat::rgba8:
        return "rgba8";
    case PixelFormat::bgra8:
        return "bgra8";
    case PixelFormat::rgba16f:
        return "rgba16f";
    case PixelFormat::rgba32f:
        return "rgba32f";
    case PixelFormat::r32f:
        return "r32f";
    }
    return "?";
}

std::size_t OutputSpec::host_level_offset(std::uint32_t level) const {
    std::size_t offset = 0;
    for (std::uint32_t l = 0; l < level; ++l)
        offset += level_extent(l).pixels() * bytes_per_texel(format);
    return offset;
}

std::size_t OutputSpec::host_bytes() const {
    if (kind == OutputKind::image)
        return host_level_offset(mip_levels);
    return vertex_count * (kind == OutputKind::points ? sizeof(PointVertex) : sizeof(MeshVertex));
}

} // namespace cuvk::compute
