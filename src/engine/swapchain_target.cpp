#include "cuvk/engine/swapchain_target.hpp"

#include "captures.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/render/commands.hpp"
#include "overlay_target.hpp"

namespace cuvk::engine {
namespace {

// Short, so that a window that shows nothing (hidden, on another desktop) keeps handling its events.
constexpr auto kAcquireTimeout = std::chrono::milliseconds(100);

} // namespace

SwapchainTarget::SwapchainTarget(const render::Context& ctx, const render::Window& window,
                                 const SwapchainTargetInfo& info)
    : ctx_(ctx), window_(window), info_(info) {
    swapchain_ = render::Swapchain::create(
        ctx, window, {.present_mode = info.present_mode, .allow_storage = info.allow_storage, .name = info.name});
    make_images();
}

SwapchainTarget::~SwapchainTarget() = default;

void SwapchainTarget::make_images() {
    images_.clear();
    copy_image_.reset();
    const core::Extent2D extent = swapchain_->extent();
    if (swapchain_->storage()) {
        for (const auto& image : swapchain_->images())
            images_.push_back(&image);
    } else {
        copy_image_ =
            render::Image::create(ctx_, {.extent = extent,
                                         .format = VK_FORMAT_R8G8B8A8_UNORM,
                                         .usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
                                                  VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                                         .name = info_.name + ".frame"});
        images_.push_back(&*copy_image_);
    }
    captures_ = std::make_unique<Captures>(ctx_, extent, info_.capture ? info_.readbacks : 0, info_.name);
}

bool SwapchainTarget::can_capture() const {
    return captures_->can_capture();
}

bool SwapchainTarget::needs_rebuild() const {
    return stale_ || window_.framebuffer_size() != swapchain_->extent();
}

void SwapchainTarget::rebuild(std::optional<render::PresentMode> present_mode) {
    CUVK_ASSERT(in_flight_.empty() && !acquired_, "every frame retired before the swapchain is re-created");
    swapchain_->recreate(window_.framebuffer_size(), present_mode.value_or(swapchain_->present_mode()));
    make_images();
    stale_ = false;
}

render::SwapchainStatus SwapchainTarget::acquire() {
    CUVK_ASSERT(!acquired_, "one image is acquired per frame");
    if (free_semaphores_.empty()) {
        free_semaphores_.push_back(std::uint32_t(semaphores_.size()));
        semaphores_.push_back(
            render::create_binary_semaphore(ctx_, info_.name + ".acquired" + std::to_string(semaphores_.size())));
    }
    const std::uint32_t s = free_semaphores_.back();
    std::uint32_t index = 0;
    const auto status = swapchain_->acquire(semaphores_[s].get(), index, kAcquireTimeout);
    if (status == render::SwapchainStatus::timeout)
        return status; // the semaphore stays unsignalled and free: try again later
    if (status == render::SwapchainStatus::out_of_date) {
        stale_ = true;
        return status;
    }
    free_semaphores_.pop_back();
    if (status == render::SwapchainStatus::suboptimal)
        stale_ = true;
    acquired_ = InFlight{.semaphore = s, .image = index};
    return status;
}

std::uint32_t SwapchainTarget::begin_frame(core::FrameIndex k) {
    CUVK_ASSERT(acquired_, "SwapchainTarget::acquire() comes before each frame (one frame per FrameLoop::advance)");
    acquired_->frame = k;
    in_flight_.push_back(*acquired_);
    acquired_.reset();
    return swapchain_->storage() ? in_flight_.back().image : 0;
}

void SwapchainTarget::record_end_frame(VkCommandBuffer cmd, core::FrameIndex k, std::uint32_t image,
                                       TargetState& state) {
    const InFlight& f = in_flight_.back();
    CUVK_ASSERT(f.frame == k, "frames end in the order they began");
    const render::Image& drawn = *images_.at(image);
    if (info_.capture && info_.capture(k) && !captures_->record(cmd, k, drawn, state))
        ++dropped_;
    const VkImage presented = swapchain_->images().at(f.image).get();
    if (!swapchain_->storage()) {
        // Copy mode: the drawn frame into the swapchain image, converting RGBA8 to its format (a blit converts).
        record_frame_copy(cmd, drawn, state, presented);
        render::record_barrier(cmd, {.image = presented,
                                     .src_stage = VK_PIPELINE_STAGE_2_BLIT_BIT,
                                     .src_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                     .dst_stage = VK_PIPELINE_STAGE_2_NONE,
                                     .dst_access = VK_ACCESS_2_NONE,
                                     .old_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                                     .new_layout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR});
        return;
    }
    // Direct: the swapchain image itself was drawn; hand it to the presentation engine (the semaphore the last
    // submission signals makes the writes available to it).
    render::record_barrier(cmd, {.image = presented,
                                 .src_stage = state.last_write.stage,
                                 .src_access = state.last_write.access,
                                 .dst_stage = VK_PIPELINE_STAGE_2_NONE,
                                 .dst_access = VK_ACCESS_2_NONE,
                                 .old_layout = state.layout,
                                 .new_layout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR});
    state = {.layout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
             .last_write = {VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_ACCESS_2_NONE}};
}

void SwapchainTarget::add_waits(core::FrameIndex k, std::vector<render::SemaphoreSubmit>& waits) {
    const InFlight& f = in_flight_.back();
    CUVK_ASSERT(f.frame == k, "the acquire wait belongs to the frame being submitted");
    // Every command of the frame may touch the image (layout transition, compute, raster, blit).
    waits.push_back({.semaphore = semaphores_[f.semaphore].get(), .stage = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT});
}

void SwapchainTarget::add_signals(core::FrameIndex k, std::vector<render::SemaphoreSubmit>& signals) {
    const InFlight& f = in_flight_.back();
    CUVK_ASSERT(f.frame == k, "the present signal belongs to the frame being submitted");
    signals.push_back({.semaphore = swapchain_->presentable(f.image), .stage = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT});
}

void SwapchainTarget::end_frame(core::FrameIndex k) {
    const InFlight& f = in_flight_.back();
    CUVK_ASSERT(f.frame == k, "frames are presented in order");
    if (swapchain_->present(f.image) != render::SwapchainStatus::ok)
        stale_ = true;
}

void SwapchainTarget::on_retired(core::FrameIndex k) {
    while (!in_flight_.empty() && in_flight_.front().frame <= k) {
        free_semaphores_.push_back(in_flight_.front().semaphore);
        in_flight_.pop_front();
    }
    captures_->retire(k, info_.on_capture);
}

} // namespace cuvk::engine
