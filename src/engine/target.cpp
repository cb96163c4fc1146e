#include "cuvk/engine/target.hpp"

#include "captures.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/render/image.hpp"

namespace cuvk::engine {

struct OffscreenTarget::Owned {
    render::Image image;
    Captures captures; // reads the image: declared after it, destroyed first
};

OffscreenTarget::OffscreenTarget(const render::Context& ctx, const OffscreenTargetInfo& info)
    : info_(info), owned_(std::make_unique<Owned>()) {
    if (info_.readbacks < 1 || info_.readbacks > 16)
        core::fail("OffscreenTarget: readbacks must be 1..16", info_.name);
    render::check_image_extent(ctx, info_.extent, "target");
    owned_->image = render::Image::create(ctx, {.extent = info_.extent,
                                                .format = VK_FORMAT_R8G8B8A8_UNORM,
                                                .usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
                                                         VK_IMAGE_USAGE_TRANSFER_DST_BIT |
                                                         (info_.raster ? VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT : 0u),
                                                .name = info_.name});
    image_ptr_ = &owned_->image;
    if (info_.capture)
        owned_->captures = Captures(ctx, info_.extent, info_.readbacks, info_.name);
}

OffscreenTarget::~OffscreenTarget() = default;

void OffscreenTarget::record_end_frame(VkCommandBuffer cmd, core::FrameIndex k, std::uint32_t, TargetState& state) {
    if (!info_.capture || !info_.capture(k))
        return;
    const bool recorded = owned_->captures.record(cmd, k, owned_->image, state);
    CUVK_ASSERT(recorded, "a capture needs a free readback buffer: raise OffscreenTargetInfo::readbacks");
}

const render::Image& OffscreenTarget::image() const noexcept {
    return owned_->image;
}

bool OffscreenTarget::can_capture() const {
    return owned_->captures.can_capture();
}

void OffscreenTarget::on_retired(core::FrameIndex k) {
    owned_->captures.retire(k, info_.on_capture);
}

} // namespace cuvk::engine
