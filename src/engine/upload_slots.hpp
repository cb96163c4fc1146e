#pragma once
// The Vulkan side of the staging and cpu backends: per ring slot, a device-local image (all mip levels) or vertex
// buffer that is drawn, and a host-visible staging buffer the producer fills (mip levels tightly packed one after
// another). Two ways to copy staging → resource: record_upload() inside the frame's own command buffer, with the
// barriers around it; or, where the device has a transfer-only queue (the copy engines), record_copy() into a
// command buffer of that queue, the resources then shared by both families (images drawn in GENERAL layout).
// Owns its images and buffers; the Context outlives it.

#include "cuvk/render/buffer.hpp"
#include "producer.hpp"

#include <chrono>
#include <optional>
#include <span>
#include <vector>

namespace cuvk::engine {

class UploadSlots {
public:
    UploadSlots() = default;
    // Slots for `output`, read by the draw at draw_read_scope(output.kind).
    // With `copy_queue`, the resources are made for record_copy() on ctx.transfer_queue() (which must exist).
    static UploadSlots create(const render::Context& ctx, const compute::OutputSpec& output, std::uint32_t slots,
                              const std::string& name, bool copy_queue = false);

    const SlotOutput& slot(std::uint32_t s) const { return outputs_.at(s); }
    std::span<std::byte> staging(std::uint32_t s) const { return staging_.at(s).mapped(); }
    // Views of the staging buffer, one per mip level, for compute::HostOutput.
    const std::vector<compute::PitchedView<std::byte>>& host_levels(std::uint32_t s) const { return levels_.at(s); }
    void record_upload(VkCommandBuffer cmd, std::uint32_t s) const;
    // The copy for the transfer queue (create(copy_queue)), images left in GENERAL layout. Ordering against
    // the draw that read the slot before (the host waited for its fence) and the draw that reads this copy (a
    // semaphore wait at read_scope()) is the caller's.
    void record_copy(VkCommandBuffer cmd, std::uint32_t s) const;
    StageScope read_scope() const { return read_; }

private:
    // The copy of slot s, its writes ordered after `before` and made available to `after` (an image: UNDEFINED →
    // TRANSFER_DST → GENERAL around it; a buffer: a barrier before only where `before` names a stage, after only where
    // `after` names an access — an `after` of a stage and no access gives a buffer no dependency).
    void record_copy_between(VkCommandBuffer cmd, std::uint32_t s, StageScope before, StageScope after) const;

    compute::OutputSpec output_;
    StageScope read_;
    // Creation order per slot: drawn resource, then staging.
    std::vector<render::Image> images_;
    std::vector<render::Buffer> vertex_buffers_;
    std::vector<render::Buffer> staging_;
    std::vector<SlotOutput> outputs_;
    std::vector<std::vector<compute::PitchedView<std::byte>>> levels_;
};

// The copies of an UploadProducer on the transfer-only queue: per slot a command buffer, recorded once, copying every
// output's staging memory into its resources; a timeline semaphore that each submission of them signals, for the
// frames' submission to wait on. Owns the pool and the semaphore; the uploads it records must outlive their use.
class CopyQueue {
public:
    CopyQueue(const render::Context& ctx, std::uint32_t slots, const std::string& name);
    // Waits (bounded) for every copy submitted; leaks the pool and the semaphore if they do not finish.
    ~CopyQueue();
    CopyQueue(const CopyQueue&) = delete;
    CopyQueue& operator=(const CopyQueue&) = delete;

    // Re-records each slot's command buffer for `uploads` (none may be pending: wait_idle() first).
    void record(const std::vector<UploadSlots>& uploads);
    // Submits the copies of `slots` and returns the value the semaphore reaches when they are done. A slot whose
    // previous copy is still pending (a submission that failed after its copies went) is waited for first.
    std::uint64_t submit(std::span<const std::uint32_t> slots);
    VkSemaphore semaphore() const noexcept { return done_.get(); }
    // True when every copy submitted has finished within `timeout` (false at once after a wait that timed out).
    bool wait_idle(std::chrono::nanoseconds timeout);

private:
    bool wait_for(std::uint64_t value, std::chrono::nanoseconds timeout); // the semaphore reaching `value`

    const render::Context& ctx_;
    std::string name_;
    VkQueue queue_; // one of ctx.transfer_queues()
    // Creation order; the semaphore and the pool die after the destructor's wait.
    render::CommandPool pool_;
    render::UniqueSemaphore done_;
    std::vector<VkCommandBuffer> commands_; // per slot
    std::vector<std::uint64_t> slot_value_; // per slot: the value of the last submission that copied it
    std::uint64_t submitted_ = 0;           // the value of the last submission
    std::uint64_t reached_ = 0;             // a value the semaphore is known to have reached
    bool lost_ = false;                     // a wait timed out or failed: the copies may never finish
};

// What the cpu and staging backends share: each output's UploadSlots, copied into the drawn resources — on the
// transfer-only queue where the device has one (submitted in prepare_submit(), waited for by the frames'
// submission), else in record_acquire() — no semaphores with CUDA (the host paces them: they write host memory
// Vulkan reads), and the simulation called on the producing thread. Derived producers fill the staging memory in
// produce() and call UploadProducer::prepare_submit() last in theirs.
class UploadProducer : public Producer {
public:
    UploadProducer(const render::Context& ctx, const ProducerInfo& info);
    ~UploadProducer() override;

    const SlotOutput& slot(std::uint32_t s, std::size_t output) const override { return uploads_.at(output).slot(s); }
    bool writes_host_memory() const override { return true; }
    void prepare_submit(std::span<const std::uint32_t> slots) override;
    void add_waits(std::span<const std::uint32_t> slots, core::TimelineValue,
                   std::vector<render::SemaphoreSubmit>& out) const override;
    void add_signals(std::span<const std::uint32_t>, core::TimelineValue,
                     std::vector<render::SemaphoreSubmit>&) const override {}
    void record_acquire(VkCommandBuffer cmd, std::uint32_t s) const override {
        if (!copies_)
            for (const auto& u : uploads_)
                u.record_upload(cmd, s);
    }
    void record_release(VkCommandBuffer, std::uint32_t) const override {}
    void params_changed(std::span<const float> params) override { info_.simulation->on_params_changed(params); }
    void pointer(const compute::PointerEvent& event) override { info_.simulation->on_pointer(event); }

protected:
    // Where the uploads run, for describe().
    std::string upload_note() const {
        return copies_ ? "Vulkan uploads on the transfer-only queue (copy engine)"
                       : "Vulkan uploads inside each frame's submission";
    }
    // (Re-)creates every output's slots for info_.outputs; no copy of the old ones may still run.
    void make_uploads();

    const render::Context& ctx_;
    ProducerInfo info_;
    // Creation order: the copies' command buffers read the uploads, and wait for them when destroyed.
    std::vector<UploadSlots> uploads_; // per output
    std::optional<CopyQueue> copies_;  // where the device has a transfer-only queue
    std::uint64_t copied_value_ = 0;   // what the frames' next submission waits for on copies_
};

} // namespace cuvk::engine
