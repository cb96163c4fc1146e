#include "cuvk/render/check.hpp"

#include <string>

namespace cuvk::render {

const char* result_name(VkResult result) noexcept {
    switch (result) {
#define CUVK_CASE(r)                                                                                                   \
    case r:                                                                                                            \
        return #r;
        CUVK_CASE(VK_SUCCESS)
        CUVK_CASE(VK_NOT_READY)
        CUVK_CASE(VK_TIMEOUT)
        CUVK_CASE(VK_EVENT_SET)
        CUVK_CASE(VK_EVENT_RESET)
        CUVK_CASE(VK_INCOMPLETE)
        CUVK_CASE(VK_ERROR_OUT_OF_HOST_MEMORY)
        CUVK_CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY)
        CUVK_CASE(VK_ERROR_INITIALIZATION_FAILED)
        CUVK_CASE(VK_ERROR_DEVICE_LOST)
        CUVK_CASE(VK_ERROR_MEMORY_MAP_FAILED)
        CUVK_CASE(VK_ERROR_LAYER_NOT_PRESENT)
        CUVK_CASE(VK_ERROR_EXTENSION_NOT_PRESENT)
        CUVK_CASE(VK_ERROR_FEATURE_NOT_PRESENT)
        CUVK_CASE(VK_ERROR_INCOMPATIBLE_DRIVER)
        CUVK_CASE(VK_ERROR_TOO_MANY_OBJECTS)
        CUVK_CASE(VK_ERROR_FORMAT_NOT_SUPPORTED)
        CUVK_CASE(VK_ERROR_FRAGMENTED_POOL)
        CUVK_CASE(VK_ERROR_UNKNOWN)
        CUVK_CASE(VK_ERROR_OUT_OF_POOL_MEMORY)
        CUVK_CASE(VK_ERROR_INVALID_EXTERNAL_HANDLE)
        CUVK_CASE(VK_ERROR_FRAGMENTATION)
        CUVK_CASE(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
        CUVK_CASE(VK_PIPELINE_COMPILE_REQUIRED)
        CUVK_CASE(VK_ERROR_SURFACE_LOST_KHR)
        CUVK_CASE(VK_ERROR_NATIVE_WINDOW_IN_USE_KHR)
        CUVK_CASE(VK_SUBOPTIMAL_KHR)
        CUVK_CASE(VK_ERROR_OUT_OF_DATE_KHR)
        CUVK_CASE(VK_ERROR_INCOMPATIBLE_DISPLAY_KHR)
        CUVK_CASE(VK_ERROR_VALIDATION_FAILED_EXT)
        CUVK_CASE(VK_ERROR_INVALID_SHADER_NV)
        CUVK_CASE(VK_ERROR_NOT_PERMITTED_KHR)
#undef CUVK_CASE
    default:
        return "VK_RESULT_UNKNOWN";
    }
}

VkResult check_vk(VkResult result, std::string_view call, std::string_view object, std::source_location where) {
    if (result >= 0)
        return result;
    // Keep the function name of the call text, drop its arguments: "vkCreateImage(dev, &info, ...)" -> "vkCreateImage".
    const auto paren = call.find('(');
    std::string name(call.substr(0, paren));
    std::string what = "Vulkan call failed";
    if (result == VK_ERROR_OUT_OF_DEVICE_MEMORY)
        what = "the device is out of memory";
    else if (result == VK_ERROR_DEVICE_LOST)
        what = "the device was lost";
    throw core::Error({.api = core::Api::vulkan,
                       .call = std::move(name),
                       .result = result_name(result),
                       .what = std::move(what),
                       .object = std::string(object)},
                      where);
}

} // namespace cuvk::render
