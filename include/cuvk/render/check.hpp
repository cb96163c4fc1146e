#pragma once
// The Vulkan check: every VkResult in cuvk goes through CUVK_VK, which throws core::Error naming the call, the
// result by name and the object. Non-negative results (VK_TIMEOUT, VK_SUBOPTIMAL_KHR, ...) are returned, since
// they are expected outcomes that the caller turns into values.

#include "cuvk/core/error.hpp"
#include "cuvk/core/fault_injection.hpp"

#include <source_location>
#include <string_view>
#include <vulkan/vulkan.h>

namespace cuvk::render {

const char* result_name(VkResult result) noexcept;

VkResult check_vk(VkResult result, std::string_view call, std::string_view object,
                  std::source_location where = std::source_location::current());

} // namespace cuvk::render

// CUVK_VK(vkCreateImage(...), "gray-scott.out"): name is the debug name of the object involved (may be "").
// An injected failure (core::FaultInjection) skips the call and reports VK_ERROR_OUT_OF_DEVICE_MEMORY.
#define CUVK_VK(expr, name)                                                                                            \
    ::cuvk::render::check_vk(::cuvk::core::inject_failure() ? VK_ERROR_OUT_OF_DEVICE_MEMORY : (expr), #expr, (name))
