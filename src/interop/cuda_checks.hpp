#pragma once
// Internal to interop: the CUDA halves of cuvk-stress's checks (churn, faults, conformance), in cuda_checks.cpp for
// CUDA builds and cuda_checks_none.cpp without CUDA (where they are never reached: there is no CudaDevice to pass).

#include "cuvk/interop/conformance.hpp"
#include "cuvk/interop/cuda_device.hpp"
#include "cuvk/interop/faults.hpp"
#include "cuvk/render/context.hpp"

#include <cstdint>
#include <vector>

#include "cuvk/render/buffer.hpp"

#include <functional>
#include <span>
#include <string>
#include <utility>

namespace cuvk::interop::detail {

// Shared by the conformance checks (conformance.cpp).
constexpr core::Extent2D kExtent{67, 43}; // odd sizes: row pitches and tiling are not trivially aligned
render::Buffer host_buffer(const render::Context& ctx, VkDeviceSize size, VkBufferUsageFlags usage,
                           const std::string& name);
// Bytes that tell their position and a seed apart (stress_pattern words).
std::vector<std::uint8_t> pattern_bytes(std::size_t size, std::uint32_t seed);
// Float formats keep their bits through copies, but NaN patterns are avoided anyway.
void make_finite(std::vector<std::uint8_t>& bytes, VkFormat format);
void upload_image(const render::Context& ctx, VkImage image, core::Extent2D extent,
                  std::span<const std::uint8_t> bytes);
// Every image format cuvk shares, with its short name.
inline constexpr std::pair<VkFormat, const char*> kSharedFormats[] = {{VK_FORMAT_R8G8B8A8_UNORM, "RGBA8"},
                                                                      {VK_FORMAT_B8G8R8A8_UNORM, "BGRA8"},
                                                                      {VK_FORMAT_R16G16B16A16_SFLOAT, "RGBA16F"},
                                                                      {VK_FORMAT_R32G32B32A32_SFLOAT, "RGBA32F"},
                                                                      {VK_FORMAT_R32_SFLOAT, "R32F"}};
// Runs `fault`, which must throw core::Error, then `healthy`, which must not (faults.cpp).
FaultCheck try_fault(std::string name, const std::function<void()>& fault, const std::function<void()>& healthy);
// Runs `check`: an empty result is supported, a message is a failure; a core::Error is a failure naming the call.
ConformanceCheck run_check(std::string name, const std::function<std::string()>& check);

// One export → CUDA import → destroy cycle: a buffer, or every 8th cycle an image, of a size drawn from `cycle`.
void cuda_churn_cycle(const render::Context& ctx, const CudaDevice& cuda, std::uint32_t cycle);
// Imports an fd that is not exported memory into CUDA; true when CUDA refused it with an error (as it must).
bool cuda_failing_import(const CudaDevice& cuda);
// Device memory in use on `cuda` (total - free).
std::int64_t cuda_used_bytes(const CudaDevice& cuda);

std::vector<FaultCheck> cuda_fault_checks(const render::Context& ctx, const CudaDevice& cuda);
std::vector<ConformanceCheck> cuda_conformance_checks(const render::Context& ctx, const render::Context& second,
                                                      const CudaDevice& cuda, const std::string& child_command);

} // namespace cuvk::interop::detail
