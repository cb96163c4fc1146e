#include "cuvk/interop/extensions.hpp"

namespace cuvk::interop {

render::ContextInfo with_interop_extensions(render::ContextInfo info) {
    info.optional_device_extensions.emplace_back(VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME);
    info.optional_device_extensions.emplace_back(VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME);
    info.optional_device_extensions.emplace_back(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME); // cuvk-stress counts heap use
    return info;
}

} // namespace cuvk::interop
