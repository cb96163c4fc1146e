#include "compute/check.hpp"
#include "compute/pattern.hpp"
#include "compute/stream.hpp"
#include "engine/pattern_source.hpp"
#include "interop/handoff.hpp"
#include "interop/shared_image.hpp"
#include "interop/shared_semaphore.hpp"

#include <optional>

namespace cuvk::engine {
namespace {

// CUDA writes the pattern straight into a shared image through a surface object, then signals `produced`; the
// Vulkan submission waits for that value, acquires the image from CUDA, samples it and releases it back.
class InteropSource final : public PatternSource {
public:
    InteropSource(const render::Context& ctx, core::Extent2D extent)
        : ctx_(ctx), cuda_(interop::select_cuda_device(ctx)),
          image_(interop::SharedImage::create(ctx, cuda_, {.extent = extent, .name = "pattern.shared"})),
          stream_(compute::create_stream("pattern.stream")) {
        if (interop::semaphore_export_support(ctx, interop::SemaphoreKind::timeline).empty())
            produced_ = interop::SharedTimeline::create(ctx, cuda_, {0}, "pattern.produced");
        render::submit_and_wait(
            ctx, [&](VkCommandBuffer cmd) { interop::prepare_for_external(cmd, image_.vk(), ctx.queue_family()); },
            "pattern.prepare");
    }

    ~InteropSource() override {
        // Teardown: CUDA first (DESIGN.md). The stream must be idle before the image's memory goes away.
        (void)cudaStreamSynchronize(stream_.get());
    }

    VkImageView view() const override { return image_.image().view(); }

    std::vector<render::SemaphoreSubmit> produce(std::uint32_t frame) override {
        compute::launch_fill_rgba8(image_.surface(0), frame, stream_.get());
        if (!produced_) {
            // No exportable timeline semaphore: order on the host instead (slow, but correct).
            compute::synchronize(stream_.get(), "pattern.stream");
            return {};
        }
        value_ = value_.next();
        produced_->cuda_signal(stream_.get(), value_);
        return {produced_->vk_wait(value_, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT)};
    }

    void record_before_read(VkCommandBuffer cmd) const override {
        interop::acquire_from_external(cmd, image_.vk(), ctx_.queue_family(), VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                       VK_ACCESS_2_SHADER_SAMPLED_READ_BIT);
    }

    void record_after_read(VkCommandBuffer cmd) const override {
        interop::release_to_external(cmd, image_.vk(), ctx_.queue_family(), VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                     VK_ACCESS_2_SHADER_SAMPLED_READ_BIT);
    }

private:
    const render::Context& ctx_;
    // Creation order; the stream is synchronized in the destructor before any of these die.
    interop::CudaDevice cuda_;
    interop::SharedImage image_;
    std::optional<interop::SharedTimeline> produced_;
    compute::UniqueStream stream_;
    core::TimelineValue value_{0};
};

} // namespace

std::unique_ptr<PatternSource> make_interop_source(const render::Context& ctx, core::Extent2D extent) {
    return std::make_unique<InteropSource>(ctx, extent);
}

} // namespace cuvk::engine
