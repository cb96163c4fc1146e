#include "cuvk/render/swapchain.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/render/check.hpp"
#include "cuvk/render/commands.hpp"

#define GLFW_INCLUDE_VULKAN // GLFW then declares glfwCreateWindowSurface
#include <GLFW/glfw3.h>

#include <algorithm>

namespace cuvk::render {
namespace {

VkPresentModeKHR to_vk(PresentMode mode) {
    switch (mode) {
    case PresentMode::mailbox:
        return VK_PRESENT_MODE_MAILBOX_KHR;
    case PresentMode::immediate:
        return VK_PRESENT_MODE_IMMEDIATE_KHR;
    case PresentMode::fifo:
        break;
    }
    return VK_PRESENT_MODE_FIFO_KHR;
}

bool has_storage_feature(const Context& ctx, VkFormat format) {
    VkFormatProperties props{};
    vkGetPhysicalDeviceFormatProperties(ctx.physical_device(), format, &props);
    return (props.optimalTilingFeatures & VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT) != 0;
}

} // namespace

const char* to_string(PresentMode mode) {
    switch (mode) {
    case PresentMode::fifo:
        return "fifo";
    case PresentMode::mailbox:
        return "mailbox";
    case PresentMode::immediate:
        return "immediate";
    }
    return "?";
}

std::unique_ptr<Swapchain> Swapchain::create(const Context& ctx, const Window& window, const SwapchainInfo& info) {
    if (!ctx.has_device_extension(VK_KHR_SWAPCHAIN_EXTENSION_NAME))
        core::fail("the Vulkan device has no VK_KHR_swapchain: it cannot present to a window", ctx.device_name());
    std::unique_ptr<Swapchain> out(new Swapchain(ctx, info));
    VkSurfaceKHR surface = VK_NULL_HANDLE;
    CUVK_VK(glfwCreateWindowSurface(ctx.instance(), window.get(), nullptr, &surface), info.name + ".surface");
    out->surface_ = {surface, {ctx.instance()}};
    VkBool32 supported = VK_FALSE;
    CUVK_VK(vkGetPhysicalDeviceSurfaceSupportKHR(ctx.physical_device(), ctx.queue_family().index, surface, &supported),
            info.name);
    if (!supported)
        core::fail("the queue family cuvk draws on cannot present to this window's surface", ctx.device_name());

    std::uint32_t count = 0;
    CUVK_VK(vkGetPhysicalDeviceSurfaceFormatsKHR(ctx.physical_device(), surface, &count, nullptr), info.name);
    std::vector<VkSurfaceFormatKHR> formats(count);
    CUVK_VK(vkGetPhysicalDeviceSurfaceFormatsKHR(ctx.physical_device(), surface, &count, formats.data()), info.name);
    // An UNORM format: the compositor writes display-ready values, as into the offscreen RGBA8 target. Prefer one the
    // device can store to, so that the compositor writes the swapchain image itself.
    auto score = [&](const VkSurfaceFormatKHR& f) {
        const bool unorm = f.format == VK_FORMAT_B8G8R8A8_UNORM || f.format == VK_FORMAT_R8G8B8A8_UNORM;
        return (unorm ? 2 : 0) + (unorm && has_storage_feature(ctx, f.format) ? 1 : 0);
    };
    const auto best = std::max_element(formats.begin(), formats.end(),
                                       [&](const auto& a, const auto& b) { return score(a) < score(b); });
    if (best == formats.end() || score(*best) < 2)
        core::fail("the window's surface offers no BGRA8 or RGBA8 UNORM format", info.name);
    out->format_ = best->format;
    out->color_space_ = best->colorSpace;

    CUVK_VK(vkGetPhysicalDeviceSurfacePresentModesKHR(ctx.physical_device(), surface, &count, nullptr), info.name);
    std::vector<VkPresentModeKHR> modes(count);
    CUVK_VK(vkGetPhysicalDeviceSurfacePresentModesKHR(ctx.physical_device(), surface, &count, modes.data()), info.name);
    for (PresentMode m : {PresentMode::fifo, PresentMode::mailbox, PresentMode::immediate})
        if (m == PresentMode::fifo || std::find(modes.begin(), modes.end(), to_vk(m)) != modes.end())
            out->modes_.push_back(m);

    out->recreate(window.framebuffer_size(), info.present_mode);
    return out;
}

Swapchain::~Swapchain() = default;

void Swapchain::recreate(core::Extent2D extent, PresentMode mode) {
    VkSurfaceCapabilitiesKHR caps{};
    CUVK_VK(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(ctx_.physical_device(), surface_.get(), &caps), info_.name);
    if (caps.currentExtent.width != 0xFFFFFFFFu)
        extent = {caps.currentExtent.width, caps.currentExtent.height};
    extent.width = std::clamp(extent.width, caps.minImageExtent.width, caps.maxImageExtent.width);
    extent.height = std::clamp(extent.height, caps.minImageExtent.height, caps.maxImageExtent.height);
    if (extent.empty())
        core::fail("a swapchain cannot be made for a minimised (0x0) window", info_.name);

    // The compositor writes a swapchain image directly only where it can: an RGBA8 image, or one of another format
    // where the device writes storage images without a format.
    const bool storable = has_storage_feature(ctx_, format_) &&
                          (format_ == VK_FORMAT_R8G8B8A8_UNORM || ctx_.supports_storage_write_without_format());
    const VkImageUsageFlags wanted_storage =
        info_.allow_storage && (caps.supportedUsageFlags & VK_IMAGE_USAGE_STORAGE_BIT) && storable
            ? VK_IMAGE_USAGE_STORAGE_BIT
            : 0;
    const VkImageUsageFlags usage = wanted_storage | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
                                    VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    if ((caps.supportedUsageFlags & usage) != usage)
        core::fail("the window's surface does not allow colour-attachment and transfer usage of its images",
                   info_.name);
    std::uint32_t images = std::max(info_.min_images, caps.minImageCount);
    if (caps.maxImageCount != 0)
        images = std::min(images, caps.maxImageCount);
    if (std::find(modes_.begin(), modes_.end(), mode) == modes_.end())
        mode = PresentMode::fifo; // every surface has fifo
    const VkCompositeAlphaFlagBitsKHR alpha = (caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR)
                                                  ? VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR
                                                  : VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR;
    const VkSwapchainCreateInfoKHR create{.sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR,
                                          .surface = surface_.get(),
                                          .minImageCount = images,
                                          .imageFormat = format_,
                                          .imageColorSpace = color_space_,
                                          .imageExtent = {extent.width, extent.height},
                                          .imageArrayLayers = 1,
                                          .imageUsage = usage,
                                          .imageSharingMode = VK_SHARING_MODE_EXCLUSIVE,
                                          .preTransform = caps.currentTransform,
                                          .compositeAlpha = alpha,
                                          .presentMode = to_vk(mode),
                                          .clipped = VK_TRUE,
                                          .oldSwapchain = swapchain_.get()};
    VkSwapchainKHR swapchain = VK_NULL_HANDLE;
    CUVK_VK(vkCreateSwapchainKHR(ctx_.device(), &create, nullptr, &swapchain), info_.name);
    // The old swapchain's views and semaphores go first, then the old swapchain itself (retired by the new one).
    images_.clear();
    presentable_.clear();
    swapchain_ = {swapchain, {ctx_.device()}};
    ctx_.set_name(VK_OBJECT_TYPE_SWAPCHAIN_KHR, swapchain, info_.name);

    std::uint32_t count = 0;
    CUVK_VK(vkGetSwapchainImagesKHR(ctx_.device(), swapchain, &count, nullptr), info_.name);
    std::vector<VkImage> handles(count);
    CUVK_VK(vkGetSwapchainImagesKHR(ctx_.device(), swapchain, &count, handles.data()), info_.name);
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::string name = info_.name + ".image" + std::to_string(i);
        images_.push_back(Image::wrap(ctx_, handles[i], extent, format_, name));
        presentable_.push_back(create_binary_semaphore(ctx_, name + ".presentable"));
    }
    extent_ = extent;
    storage_ = wanted_storage != 0;
    mode_ = mode;
    min_images_ = images;
}

namespace {

// The results acquire and present share, as values; anything else throws naming it.
SwapchainStatus status_of(VkResult r, const char* call, const std::string& name) {
    switch (r) {
    case VK_SUCCESS:
        return SwapchainStatus::ok;
    case VK_SUBOPTIMAL_KHR:
        return SwapchainStatus::suboptimal;
    case VK_ERROR_OUT_OF_DATE_KHR:
        return SwapchainStatus::out_of_date;
    case VK_TIMEOUT:
    case VK_NOT_READY:
        return SwapchainStatus::timeout;
    default:
        check_vk(r, call, name); // throws, naming the result
        return SwapchainStatus::out_of_date;
    }
}

} // namespace

SwapchainStatus Swapchain::acquire(VkSemaphore acquired, std::uint32_t& index, std::chrono::nanoseconds timeout) {
    return status_of(vkAcquireNextImageKHR(ctx_.device(), swapchain_.get(), std::uint64_t(timeout.count()), acquired,
                                           VK_NULL_HANDLE, &index),
                     "vkAcquireNextImageKHR", info_.name);
}

SwapchainStatus Swapchain::present(std::uint32_t index) {
    const VkSemaphore wait = presentable_.at(index).get();
    const VkSwapchainKHR swapchain = swapchain_.get();
    const VkPresentInfoKHR info{.sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR,
                                .waitSemaphoreCount = 1,
                                .pWaitSemaphores = &wait,
                                .swapchainCount = 1,
                                .pSwapchains = &swapchain,
                                .pImageIndices = &index};
    return status_of(vkQueuePresentKHR(ctx_.queue(), &info), "vkQueuePresentKHR", info_.name);
}

} // namespace cuvk::render
