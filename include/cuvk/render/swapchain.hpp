#pragma once
// cuvk::render::Swapchain — the surface of a Window and the swapchain that presents to it.
//
// Owns: the VkSurfaceKHR, the VkSwapchainKHR, a view of each of its images (render::Image::wrap) and one
// "presentable" semaphore per image, signalled by the last submission of a frame and waited by the present (per
// image, not per frame: an image's semaphore is free again once the image is acquired again). Needs: the Context
// (its queue must support presenting to the surface) and the Window, both outliving it.
// Format: an UNORM BGRA8 or RGBA8 format, preferring one the device can write as a storage image, and STORAGE usage
// when the surface allows it, so the compute compositor writes the swapchain image directly (storage() true);
// otherwise the images take TRANSFER_DST and are filled by a copy. The images also take COLOR_ATTACHMENT (raster
// passes, the ImGui overlay) and TRANSFER_SRC (screenshots).
// Expected outcomes are values (SwapchainStatus); failures throw core::Error naming the call.
// Threads: the thread that submits to the Context's queue.

#include "cuvk/render/context.hpp"
#include "cuvk/render/handles.hpp"
#include "cuvk/render/image.hpp"
#include "cuvk/render/window.hpp"

#include <chrono>
#include <span>
#include <string>
#include <vector>

namespace cuvk::render {

enum class PresentMode { fifo, mailbox, immediate };
const char* to_string(PresentMode mode);

enum class SwapchainStatus {
    ok,
    suboptimal,  // still usable, but recreate() soon (e.g. the window was resized)
    out_of_date, // unusable: recreate() before the next acquire
    timeout,     // acquire: no image became available in time (e.g. a hidden window); nothing was acquired
};

struct SwapchainInfo {
    PresentMode present_mode = PresentMode::fifo; // falls back to fifo where the surface lacks it
    std::uint32_t min_images = 3;                 // raised to the surface's minimum
    bool allow_storage = true;                    // false: always copy into the images (measures the copy path)
    std::string name = "swapchain";
};

class Swapchain {
public:
    // Creates the surface and a swapchain at the window's framebuffer size (which must not be 0x0).
    static std::unique_ptr<Swapchain> create(const Context& ctx, const Window& window, const SwapchainInfo& info);
    ~Swapchain();
    Swapchain(const Swapchain&) = delete;
    Swapchain& operator=(const Swapchain&) = delete;

    // A new swapchain at `extent` (the old one is handed to the driver as oldSwapchain, then destroyed). The queue
    // must be idle: no submission may still use the images or semaphores.
    void recreate(core::Extent2D extent, PresentMode mode);

    // Acquires the next image, signalling `acquired` when it may be written; `index` is set when ok or suboptimal.
    SwapchainStatus acquire(VkSemaphore acquired, std::uint32_t& index, std::chrono::nanoseconds timeout);
    // Presents image `index` once its presentable() semaphore is signalled.
    SwapchainStatus present(std::uint32_t index);

    core::Extent2D extent() const noexcept { return extent_; }
    VkFormat format() const noexcept { return format_; }
    bool storage() const noexcept { return storage_; }
    PresentMode present_mode() const noexcept { return mode_; }
    std::span<const PresentMode> present_modes() const noexcept { return modes_; }
    const std::vector<Image>& images() const noexcept { return images_; }
    VkSemaphore presentable(std::uint32_t index) const { return presentable_.at(index).get(); }
    std::uint32_t min_image_count() const noexcept { return min_images_; }

private:
    Swapchain(const Context& ctx, const SwapchainInfo& info) : ctx_(ctx), info_(info) {}

    struct SurfaceDeleter {
        VkInstance instance = VK_NULL_HANDLE;
        void operator()(VkSurfaceKHR surface) const noexcept { vkDestroySurfaceKHR(instance, surface, nullptr); }
    };
    struct SwapchainDeleter {
        VkDevice device = VK_NULL_HANDLE;
        void operator()(VkSwapchainKHR swapchain) const noexcept { vkDestroySwapchainKHR(device, swapchain, nullptr); }
    };

    const Context& ctx_;
    SwapchainInfo info_;
    // Creation order, destroyed in reverse: the surface outlives the swapchain, the swapchain its image views and
    // the semaphores its presents wait on.
    core::Unique<VkSurfaceKHR, SurfaceDeleter> surface_;
    core::Unique<VkSwapchainKHR, SwapchainDeleter> swapchain_;
    std::vector<Image> images_;
    std::vector<UniqueSemaphore> presentable_;
    core::Extent2D extent_;
    VkFormat format_ = VK_FORMAT_UNDEFINED;
    VkColorSpaceKHR color_space_ = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR;
    bool storage_ = false;
    PresentMode mode_ = PresentMode::fifo;
    std::vector<PresentMode> modes_;
    std::uint32_t min_images_ = 2;
};

} // namespace cuvk::render
