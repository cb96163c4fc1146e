#pragma once
// SPIR-V of the GLSL in shaders/, compiled by glslc at build time and embedded.

#include <cstdint>
#include <span>

namespace cuvk::render::shaders {

std::span<const std::uint32_t> composite_comp();

} // namespace cuvk::render::shaders
