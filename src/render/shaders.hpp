#pragma once
// SPIR-V of the GLSL in shaders/, compiled by glslc at build time and embedded.

#include <cstdint>
#include <span>

namespace cuvk::render::shaders {

std::span<const std::uint32_t> composite_comp();
std::span<const std::uint32_t> composite_any_comp();        // composite.comp with ANY_FORMAT
std::span<const std::uint32_t> composite_buffer_comp();     // with BUFFER_SOURCE
std::span<const std::uint32_t> composite_buffer_any_comp(); // with BUFFER_SOURCE and ANY_FORMAT
std::span<const std::uint32_t> range_comp();
std::span<const std::uint32_t> panel_vert();
std::span<const std::uint32_t> panel_frag();
std::span<const std::uint32_t> panel_comp();
std::span<const std::uint32_t> verify_comp();
std::span<const std::uint32_t> verify_buffer_comp(); // verify.comp with CHECK_BUFFER
std::span<const std::uint32_t> verify_tally_comp();
std::span<const std::uint32_t> verify_delay_comp();
std::span<const std::uint32_t> splat_comp();
std::span<const std::uint32_t> splat_resolve_comp();
std::span<const std::uint32_t> splat_resolve_any_comp(); // splat_resolve.comp with ANY_FORMAT
std::span<const std::uint32_t> verify_any_comp();        // verify.comp for BGRA8 (read without a format qualifier)
std::span<const std::uint32_t> verify_rgba16f_comp();    // verify.comp per float format
std::span<const std::uint32_t> verify_rgba32f_comp();
std::span<const std::uint32_t> verify_r32f_comp();
std::span<const std::uint32_t> panel_any_comp(); // panel.comp with ANY_FORMAT
std::span<const std::uint32_t> points_vert();
std::span<const std::uint32_t> points_frag();
std::span<const std::uint32_t> mesh_vert();
std::span<const std::uint32_t> mesh_frag();

} // namespace cuvk::render::shaders
