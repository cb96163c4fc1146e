#include "upload_slots.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/render/check.hpp"
#include "cuvk/render/commands.hpp"

#include <algorithm>
#include <cstdint>

namespace cuvk::engine {

VkFormat vk_format(compute::PixelFormat format) {
    switch (format) {
    case compute::PixelFormat::rgba8:
        return VK_FORMAT_R8G8B8A8_UNORM;
    case compute::PixelFormat::bgra8:
        return VK_FORMAT_B8G8R8A8_UNORM;
    case compute::PixelFormat::rgba16f:
        return VK_FORMAT_R16G16B16A16_SFLOAT;
    case compute::PixelFormat::rgba32f:
        return VK_FORMAT_R32G32B32A32_SFLOAT;
    case compute::PixelFormat::r32f:
        return VK_FORMAT_R32_SFLOAT;
    }
    return VK_FORMAT_UNDEFINED;
}

UploadSlots UploadSlots::create(const render::Context& ctx, const compute::OutputSpec& output, std::uint32_t slots,
                                const std::string& name, bool copy_queue) {
    CUVK_ASSERT(!copy_queue || ctx.transfer_queue() != VK_NULL_HANDLE, "copies on a transfer queue the device has");
    // Written by the transfer queue, read by the universal one: shared by both families, so that neither needs an
    // ownership transfer (an image of exclusive sharing would need a release and an acquire per frame).
    std::vector<core::QueueFamily> families;
    if (copy_queue)
        families = {ctx.queue_family(), ctx.transfer_queue_family()};
    UploadSlots u;
    u.output_ = output;
    u.read_ = draw_read_scope(output.kind);
    const auto& out = output;
    const bool image = out.kind == compute::OutputKind::image && !out.linear; // drawn from an image
    const bool pixels = out.kind == compute::OutputKind::image;               // host rows per level
    const std::size_t bpp = compute::bytes_per_texel(out.format);
    const std::size_t bytes = out.host_bytes();
    for (std::uint32_t s = 0; s < slots; ++s) {
        const std::string slot_name = name + ".slot" + std::to_string(s);
        if (image)
            u.images_.push_back(
                render::Image::create(ctx, {.extent = out.extent,
                                            .format = vk_format(out.format),
                                            .usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                                            .mip_levels = out.mip_levels,
                                            .concurrent = families,
                                            .name = slot_name}));
        else
            u.vertex_buffers_.push_back(render::Buffer::create(
                ctx, {.size = bytes,
                      .usage = VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                               VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                      // storage: the compute splat; uniform texel: a linear image read by the compositor
                      .concurrent = families,
                      .name = slot_name}));
        u.staging_.push_back(render::Buffer::create(
            ctx, {.size = bytes,
                  .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                  .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                  .name = slot_name + ".staging"}));
    }
    for (std::uint32_t s = 0; s < slots; ++s) {
        u.outputs_.push_back(image ? SlotOutput{.image = &u.images_[s]}
                                   : SlotOutput{.vertices = u.vertex_buffers_[s].get()});
        std::vector<compute::PitchedView<std::byte>> levels;
        for (std::uint32_t l = 0; pixels && l < out.mip_levels; ++l) {
            const auto e = out.level_extent(l);
            levels.push_back({u.staging_[s].mapped().data() + out.host_level_offset(l), e, e.width * bpp});
        }
        u.levels_.push_back(std::move(levels));
    }
    return u;
}

namespace {

std::vector<VkBufferImageCopy> level_regions(const compute::OutputSpec& output) {
    std::vector<VkBufferImageCopy> regions;
    for (std::uint32_t l = 0; l < output.mip_levels; ++l) {
        const auto e = output.level_extent(l);
        regions.push_back({.bufferOffset = output.host_level_offset(l),
                           .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, l, 0, 1},
                           .imageExtent = {e.width, e.height, 1}});
    }
    return regions;
}

} // namespace

void UploadSlots::record_copy_between(VkCommandBuffer cmd, std::uint32_t s, StageScope before, StageScope after) const {
    const VkBuffer staging = staging_.at(s).get();
    if (output_.kind == compute::OutputKind::image && !output_.linear) {
        // The copy rewrites every texel: what the image held is discarded; back in GENERAL for the draw.
        const VkImage image = images_.at(s).get();
        render::record_barrier(cmd, {.image = image,
                                     .src_stage = before.stage,
                                     .src_access = before.access,
                                     .dst_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                     .dst_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                     .old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
                                     .new_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL});
        const auto regions = level_regions(output_);
        vkCmdCopyBufferToImage(cmd, staging, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, std::uint32_t(regions.size()),
                               regions.data());
        render::record_barrier(cmd, {.image = image,
                                     .src_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                     .src_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                     .dst_stage = after.stage,
                                     .dst_access = after.access,
                                     .old_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                                     .new_layout = VK_IMAGE_LAYOUT_GENERAL});
        return;
    }
    // A buffer has no layout: barriers only where a scope asks for one.
    if (before.stage != VK_PIPELINE_STAGE_2_NONE)
        render::record_memory_barrier(cmd, before.stage, before.access, VK_PIPELINE_STAGE_2_COPY_BIT,
                                      VK_ACCESS_2_TRANSFER_WRITE_BIT);
    const VkBufferCopy region{0, 0, staging_.at(s).size()};
    vkCmdCopyBuffer(cmd, staging, vertex_buffers_.at(s).get(), 1, &region);
    if (after.access != VK_ACCESS_2_NONE)
        render::record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT, after.stage,
                                      after.access);
}

void UploadSlots::record_copy(VkCommandBuffer cmd, std::uint32_t s) const {
    // Nothing before (the host waited for the fence of the draw that read the slot); after it, the semaphore the
    // submission signals covers the copy and the image's transition (every command before the signal).
    record_copy_between(cmd, s, {}, {VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_ACCESS_2_NONE});
}

void UploadSlots::record_upload(VkCommandBuffer cmd, std::uint32_t s) const {
    // The previous frame drawn from this slot read it at read_.stage; this frame's draw reads it there too.
    record_copy_between(cmd, s, {read_.stage, VK_ACCESS_2_NONE}, read_);
}

// The last of the transfer queues: on the H200 (driver 580) the first one shares a copy engine with CUDA's D2H copies
// (the two at once move 51.8 GB/s, one after the other), the second one mostly does not (74.7 GB/s; CUDA's own D2H +
// H2D: 101.6); cuvk-bench's pcie micro-benchmarks measure each.
CopyQueue::CopyQueue(const render::Context& ctx, std::uint32_t slots, const std::string& name)
    : ctx_(ctx), name_(name + ".copies"), queue_(ctx.transfer_queues().back()),
      pool_(render::CommandPool::create(ctx, name_, ctx.transfer_queue_family())),
      done_(render::create_timeline_semaphore(ctx, 0, name_)) {
    for (std::uint32_t s = 0; s < slots; ++s)
        commands_.push_back(pool_.allocate(name_ + ".slot" + std::to_string(s)));
    slot_value_.assign(slots, 0);
}

CopyQueue::~CopyQueue() {
    if (!wait_idle(std::chrono::seconds(5))) { // never destroy what the copy engine may still use
        (void)pool_.release();
        (void)done_.release();
    }
}

void CopyQueue::record(const std::vector<UploadSlots>& uploads) {
    for (std::uint32_t s = 0; s < commands_.size(); ++s) {
        const VkCommandBuffer cmd = commands_[s];
        CUVK_VK(vkResetCommandBuffer(cmd, 0), name_);
        // Submitted once per frame of the slot, never while pending (the slot's previous frame retired first).
        const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
        CUVK_VK(vkBeginCommandBuffer(cmd, &begin), name_);
        for (const auto& u : uploads)
            u.record_copy(cmd, s);
        CUVK_VK(vkEndCommandBuffer(cmd), name_);
    }
}

std::uint64_t CopyQueue::submit(std::span<const std::uint32_t> slots) {
    std::vector<VkCommandBuffer> cmds;
    std::uint64_t last_use = 0; // the latest submission that copied one of these slots
    for (const std::uint32_t s : slots) {
        last_use = std::max(last_use, slot_value_.at(s));
        cmds.push_back(commands_[s]);
    }
    // In the ring's steady state those copies fed frames that have retired; after a failed submission they may not
    // have, and a command buffer must not be submitted again while pending. One query per submission.
    if (last_use > reached_)
        reached_ = render::counter_value(ctx_, done_.get(), name_);
    if (!wait_for(last_use, std::chrono::seconds(20)))
        core::fail("an earlier copy did not finish on the GPU within 20 s", name_);
    // The semaphore's signal covers the copies' writes; the draws wait for it at the stage that reads them.
    const render::SemaphoreSubmit signal{.semaphore = done_.get(), .value = submitted_ + 1};
    render::submit(ctx_, {.commands = cmds, .signals = {&signal, 1}, .name = name_, .queue = queue_});
    ++submitted_;
    for (const std::uint32_t s : slots)
        slot_value_[s] = submitted_;
    return submitted_;
}

bool CopyQueue::wait_idle(std::chrono::nanoseconds timeout) {
    return wait_for(submitted_, timeout);
}

bool CopyQueue::wait_for(std::uint64_t value, std::chrono::nanoseconds timeout) {
    if (lost_)
        return false;
    if (value <= reached_ || !done_)
        return true;
    const VkSemaphore semaphore = done_.get();
    const VkSemaphoreWaitInfo info{.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
                                   .semaphoreCount = 1,
                                   .pSemaphores = &semaphore,
                                   .pValues = &value};
    if (vkWaitSemaphores(ctx_.device(), &info, std::uint64_t(timeout.count())) != VK_SUCCESS) {
        lost_ = true;
        return false;
    }
    reached_ = value;
    return true;
}

UploadProducer::UploadProducer(const render::Context& ctx, const ProducerInfo& info) : ctx_(ctx), info_(info) {
    if (ctx.transfer_queue() != VK_NULL_HANDLE)
        copies_.emplace(ctx, info.slots, info.name);
    make_uploads();
}

UploadProducer::~UploadProducer() {
    if (copies_ && !copies_->wait_idle(std::chrono::seconds(5)))
        (void)new std::vector<UploadSlots>(std::move(uploads_)); // leaked: the copy engine may still read them
}

void UploadProducer::make_uploads() {
    if (copies_ && !copies_->wait_idle(std::chrono::seconds(20)))
        core::fail("the uploads of earlier frames did not finish on the GPU within 20 s", info_.name);
    // The new slots first: if making them fails, the old ones (which the copies' command buffers name) stay.
    std::vector<UploadSlots> next;
    for (std::size_t o = 0; o < info_.outputs.size(); ++o)
        next.push_back(UploadSlots::create(
            ctx_, info_.outputs[o], info_.slots,
            info_.outputs.size() == 1 ? info_.name : info_.name + ".output" + std::to_string(o), copies_.has_value()));
    uploads_ = std::move(next);
    if (copies_)
        copies_->record(uploads_);
}

void UploadProducer::prepare_submit(std::span<const std::uint32_t> slots) {
    if (copies_)
        copied_value_ = copies_->submit(slots);
}

void UploadProducer::add_waits(std::span<const std::uint32_t>, core::TimelineValue,
                               std::vector<render::SemaphoreSubmit>& out) const {
    if (!copies_ || info_.skip_copy_wait)
        return;
    VkPipelineStageFlags2 stages = VK_PIPELINE_STAGE_2_NONE;
    for (const auto& u : uploads_)
        stages |= u.read_scope().stage;
    out.push_back({.semaphore = copies_->semaphore(), .value = copied_value_, .stage = stages});
}

} // namespace cuvk::engine
