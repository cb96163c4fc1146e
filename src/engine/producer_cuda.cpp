// The two CUDA backends.
//
// interop: CUDA writes each ring slot's shared image (through surface objects, every mip level) or shared vertex
// buffer in place; `produced`/`consumed` semaphores, exported by Vulkan and imported by CUDA, order the two with
// no host wait (DESIGN.md, "The frame ring").
// staging: the honest baseline of an app without interop, at its best: CUDA writes memory of its own, an async
// D2H copy moves it straight into the slot's host-visible Vulkan staging buffer (registered with cudaHostRegister
// so the copy engine writes it directly; a pinned bounce buffer plus a host memcpy where registration is refused),
// frames overlap across slots, and Vulkan copies the staging buffer into the drawn resource. The host paces itself
// on CUDA events before each submission.

#include "compute/check.hpp"
#include "compute/device_memory.hpp"
#include "compute/stream.hpp"
#include "core/error.hpp"
#include "engine/producer.hpp"
#include "engine/upload_slots.hpp"
#include "interop/handoff.hpp"
#include "interop/shared_buffer.hpp"
#include "interop/shared_image.hpp"
#include "interop/shared_semaphore.hpp"

#include <cstring>
#include <optional>

namespace cuvk::engine {
namespace {

std::optional<double> elapsed_ms(cudaEvent_t start, cudaEvent_t end) {
    float ms = 0.0f;
    const cudaError_t r = cudaEventElapsedTime(&ms, start, end);
    if (r == cudaErrorNotReady) {
        (void)cudaGetLastError();
        return std::nullopt;
    }
    CUVK_CUDA(r, "simulation timing");
    return double(ms);
}

struct SlotEvents {
    compute::UniqueEvent start, end;
};

std::vector<SlotEvents> make_events(std::uint32_t slots, const std::string& name) {
    std::vector<SlotEvents> out;
    for (std::uint32_t s = 0; s < slots; ++s)
        out.push_back({compute::create_event(name + ".start", true), compute::create_event(name + ".end", true)});
    return out;
}

// Slot outputs in CUDA's own memory (the staging backend, and split mode's simulating GPU): per slot, a mipmapped
// array with a surface per level, or a stream-ordered vertex buffer. Created on the current device.
class CudaSlotOutputs {
public:
    CudaSlotOutputs(const ProducerInfo& info, cudaStream_t stream, const std::string& name) {
        const auto& out = info.output;
        for (std::uint32_t s = 0; s < info.slots; ++s) {
            if (out.kind == compute::OutputKind::image) {
                const cudaChannelFormatDesc format = interop::channel_format_of(vk_format(out.format));
                cudaMipmappedArray_t mipmap = nullptr;
                CUVK_CUDA(cudaMallocMipmappedArray(&mipmap, &format, cudaExtent{out.extent.width, out.extent.height, 0},
                                                   out.mip_levels, cudaArraySurfaceLoadStore),
                          name);
                mipmaps_.emplace_back(mipmap);
                levels_.push_back(compute::make_mip_surfaces(mipmap, out.extent, out.mip_levels, name));
            } else {
                vertices_.push_back(compute::allocate_async(output_bytes(out), stream, name));
                levels_.emplace_back();
            }
        }
    }

    compute::DeviceOutput output(std::uint32_t s) const {
        return {.levels = levels_[s].views, .vertices = vertices_.empty() ? nullptr : vertices_[s].get()};
    }
    cudaArray_t array(std::uint32_t s, std::uint32_t level) const { return levels_[s].arrays[level]; }
    void* vertices(std::uint32_t s) const { return vertices_[s].get(); }

private:
    // Creation order per slot; surfaces die before their arrays.
    std::vector<compute::UniqueMipmappedArray> mipmaps_;
    std::vector<compute::MipSurfaces> levels_;
    std::vector<compute::DeviceMemory> vertices_;
};

// Split mode: the simulation runs on a second GPU into memory of its own, and each frame is copied peer-to-peer
// into the display GPU's shared slot. The display GPU's stream orders it with the ring: `ready` (recorded after
// the consumed-wait) gates the simulating stream, and `copied` gates the produced-signal.
// Makes the display GPU current again when a scope that switched to the simulating GPU ends, also by exception.
struct RestoreDevice {
    int display;
    ~RestoreDevice() { (void)cudaSetDevice(display); }
};

class RemoteSimulation {
public:
    RemoteSimulation(const ProducerInfo& info, int display, int simulate)
        : info_(info), display_(display), restore_{display}, device_(interop::use_cuda_device(simulate)) {
        const std::string name = std::string(info.sample->name) + ".remote";
        int can_access = 0;
        CUVK_CUDA(cudaDeviceCanAccessPeer(&can_access, device_.ordinal, display), name);
        if (can_access) {
            const cudaError_t r = cudaDeviceEnablePeerAccess(display, 0);
            if (r != cudaErrorPeerAccessAlreadyEnabled)
                CUVK_CUDA(r, name + " peer access");
            (void)cudaGetLastError();
        }
        peer_access_ = can_access != 0;
        stream_ = compute::create_stream(name + ".stream");
        outputs_.emplace(info, stream_.get(), name + ".output");
        events_ = make_events(info.slots, name);
        for (std::uint32_t s = 0; s < info.slots; ++s)
            copied_.push_back(compute::create_event(name + ".copied"));
        simulation_ = info.sample->make_cuda(info.simulation, stream_.get());
        (void)interop::use_cuda_device(display);
    }


    ~RemoteSimulation() {
        (void)cudaSetDevice(device_.ordinal);
        (void)cudaStreamSynchronize(stream_.get());
        simulation_.reset();
        outputs_.reset();
        (void)cudaStreamSynchronize(stream_.get());
        (void)cudaSetDevice(display_);
    }

    const interop::CudaDevice& device() const { return device_; }
    bool peer_access() const { return peer_access_; }

    // Enqueues slot s's frame after `ready` (an event of the display GPU), copies it into `images` levels or
    // `vertices` on the display GPU, and returns the event the display stream must wait for.
    cudaEvent_t produce(std::uint32_t s, cudaEvent_t ready, const interop::SharedImage* image, void* vertices) {
        const RestoreDevice restore{display_};
        CUVK_CUDA(cudaSetDevice(device_.ordinal), device_.name);
        cudaStream_t stream = stream_.get();
        CUVK_CUDA(cudaStreamWaitEvent(stream, ready, 0), "split: wait for the display GPU");
        CUVK_CUDA(cudaEventRecord(events_[s].start.get(), stream), "simulation timing");
        simulation_->step(outputs_->output(s));
        CUVK_CUDA(cudaEventRecord(events_[s].end.get(), stream), "simulation timing");
        if (image) {
            for (std::uint32_t l = 0; l < info_.output.mip_levels; ++l) {
                const auto e = level_extent(info_.output, l);
                cudaMemcpy3DPeerParms copy{};
                copy.srcArray = outputs_->array(s, l);
                copy.srcDevice = device_.ordinal;
                copy.dstArray = image->cuda_array(l);
                copy.dstDevice = display_;
                copy.extent = cudaExtent{e.width, e.height, 1};
                CUVK_CUDA(cudaMemcpy3DPeerAsync(&copy, stream), "split: peer copy");
            }
        } else {
            CUVK_CUDA(cudaMemcpyPeerAsync(vertices, display_, outputs_->vertices(s), device_.ordinal,
                                          output_bytes(info_.output), stream),
                      "split: peer copy");
        }
        CUVK_CUDA(cudaEventRecord(copied_[s].get(), stream), "split: peer copy");
        return copied_[s].get();
    }

    std::optional<double> simulation_ms(std::uint32_t s) {
        return elapsed_ms(events_[s].start.get(), events_[s].end.get());
    }

    void finish() { compute::synchronize(stream_.get(), "split stream"); }

private:
    ProducerInfo info_;
    int display_;
    RestoreDevice restore_; // a constructor that throws on the simulating GPU leaves the display GPU current
    interop::CudaDevice device_;
    bool peer_access_ = false;
    // Creation order; the destructor synchronizes and drops the simulation first, on its own device.
    compute::UniqueStream stream_;
    std::optional<CudaSlotOutputs> outputs_;
    std::vector<SlotEvents> events_;
    std::vector<compute::UniqueEvent> copied_;
    std::unique_ptr<compute::Simulation> simulation_;
};

int other_cuda_device(int display) {
    for (const auto& d : interop::list_cuda_devices().devices)
        if (d.ordinal != display)
            return d.ordinal;
    core::fail_usage("split mode needs a second CUDA device, and CUDA sees only the display GPU");
}

class InteropProducer final : public Producer {
public:
    InteropProducer(const render::Context& ctx, const ProducerInfo& info)
        : ctx_(ctx), info_(info), cuda_(interop::select_cuda_device(ctx, info.cuda_device)) {
        const std::string name(info.sample->name);
        const auto& out = info.output;
        const bool image = out.kind == compute::OutputKind::image;
        for (std::uint32_t s = 0; s < info.slots; ++s) {
            const std::string slot_name = name + ".slot" + std::to_string(s);
            if (image)
                images_.push_back(interop::SharedImage::create(
                    ctx, cuda_,
                    {.extent = out.extent,
                     .format = vk_format(out.format),
                     .usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                     .mip_levels = out.mip_levels,
                     .name = slot_name}));
            else
                buffers_.push_back(interop::SharedBuffer::create(
                    ctx, cuda_,
                    {.size = output_bytes(out),
                     .usage = VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                     .name = slot_name}));
        }
        for (std::uint32_t s = 0; s < info.slots; ++s) {
            SlotOutput o;
            std::vector<compute::SurfaceView> levels;
            if (image) {
                o.image = &images_[s].image();
                for (std::uint32_t l = 0; l < out.mip_levels; ++l)
                    levels.push_back(images_[s].surface(l));
            } else {
                o.vertices = buffers_[s].vk();
            }
            outputs_.push_back(o);
            surfaces_.push_back(std::move(levels));
        }
        // Every slot starts owned by CUDA (images in GENERAL).
        render::submit_and_wait(
            ctx,
            [&](VkCommandBuffer cmd) {
                for (const auto& i : images_)
                    interop::prepare_for_external(cmd, i.vk(), ctx.queue_family());
                for (const auto& b : buffers_)
                    interop::release_to_external(cmd, b.vk(), ctx.queue_family(), VK_PIPELINE_STAGE_2_NONE,
                                                 VK_ACCESS_2_NONE);
            },
            name + ".prepare");
        if (info.sync == SyncMode::timeline) {
            produced_ = interop::SharedTimeline::create(ctx, cuda_, {0}, name + ".produced");
            consumed_ = interop::SharedTimeline::create(ctx, cuda_, {0}, name + ".consumed");
        } else {
            for (std::uint32_t s = 0; s < info.slots; ++s) {
                produced_binary_.push_back(interop::SharedBinarySemaphore::create(
                    ctx, cuda_, name + ".produced" + std::to_string(s)));
                consumed_binary_.push_back(interop::SharedBinarySemaphore::create(
                    ctx, cuda_, name + ".consumed" + std::to_string(s)));
            }
        }
        stream_ = compute::create_stream(name + ".stream");
        events_ = make_events(info.slots, name);
        if (info.split) {
            for (std::uint32_t s = 0; s < info.slots; ++s)
                ready_.push_back(compute::create_event(name + ".ready"));
            const int simulate = info.sim_device ? *info.sim_device : other_cuda_device(cuda_.ordinal);
            if (simulate == cuda_.ordinal)
                core::fail_usage("--sim-device " + std::to_string(simulate) +
                                 " is the display GPU; split mode simulates on another one");
            remote_ = std::make_unique<RemoteSimulation>(info, cuda_.ordinal, simulate);
        } else {
            simulation_ = info.sample->make_cuda(info.simulation, stream_.get());
        }
    }

    ~InteropProducer() override {
        // Teardown, CUDA side first (DESIGN.md): the stream must be idle before shared memory goes away.
        (void)cudaStreamSynchronize(stream_.get());
    }

    const SlotOutput& slot(std::uint32_t s) const override { return outputs_.at(s); }

    void produce(std::uint64_t k, std::uint32_t s) override {
        cudaStream_t stream = stream_.get();
        const std::uint64_t n = info_.slots;
        if (k >= n) { // Vulkan must have finished reading frame k - N, which used this slot
            if (consumed_)
                consumed_->cuda_wait(stream, {k + 1 - n});
            else
                consumed_binary_[s].cuda_wait(stream);
        }
        if (remote_) {
            CUVK_CUDA(cudaEventRecord(ready_[s].get(), stream), "split: ready");
            const cudaEvent_t copied = remote_->produce(s, ready_[s].get(), images_.empty() ? nullptr : &images_[s],
                                                        buffers_.empty() ? nullptr : buffers_[s].cuda_ptr());
            CUVK_CUDA(cudaStreamWaitEvent(stream, copied, 0), "split: wait for the peer copy");
        } else {
            CUVK_CUDA(cudaEventRecord(events_[s].start.get(), stream), "simulation timing");
            simulation_->step(
                {.levels = surfaces_[s], .vertices = buffers_.empty() ? nullptr : buffers_[s].cuda_ptr()});
            CUVK_CUDA(cudaEventRecord(events_[s].end.get(), stream), "simulation timing");
        }
        if (produced_)
            produced_->cuda_signal(stream, {k + 1});
        else
            produced_binary_[s].cuda_signal(stream);
    }

    std::vector<render::SemaphoreSubmit> before_submit(std::uint64_t first, std::uint64_t last) override {
        if (produced_)
            return {produced_->vk_wait({last + 1}, info_.read_stage)};
        std::vector<render::SemaphoreSubmit> waits;
        for (std::uint64_t k = first; k <= last; ++k)
            waits.push_back(produced_binary_[k % info_.slots].vk_wait(info_.read_stage));
        return waits;
    }

    std::vector<render::SemaphoreSubmit> signals(std::uint64_t first, std::uint64_t last) override {
        if (consumed_)
            return {consumed_->vk_signal({last + 1}, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT)};
        std::vector<render::SemaphoreSubmit> out;
        for (std::uint64_t k = first; k <= last; ++k)
            out.push_back(consumed_binary_[k % info_.slots].vk_signal(VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT));
        return out;
    }

    void record_before_draw(VkCommandBuffer cmd, std::uint32_t s) const override {
        if (!images_.empty())
            interop::acquire_from_external(cmd, images_[s].vk(), ctx_.queue_family(), info_.read_stage,
                                           info_.read_access);
        else
            interop::acquire_from_external(cmd, buffers_[s].vk(), ctx_.queue_family(), info_.read_stage,
                                           info_.read_access);
    }

    void record_after_draw(VkCommandBuffer cmd, std::uint32_t s) const override {
        if (!images_.empty())
            interop::release_to_external(cmd, images_[s].vk(), ctx_.queue_family(), info_.read_stage,
                                         VK_ACCESS_2_NONE);
        else
            interop::release_to_external(cmd, buffers_[s].vk(), ctx_.queue_family(), info_.read_stage,
                                         VK_ACCESS_2_NONE);
    }

    std::optional<double> simulation_ms(std::uint32_t s) override {
        if (remote_)
            return remote_->simulation_ms(s);
        return elapsed_ms(events_[s].start.get(), events_[s].end.get());
    }

    void finish() override {
        if (remote_)
            remote_->finish();
        compute::synchronize(stream_.get(), "interop stream");
    }

    std::string describe() const override {
        if (!remote_)
            return {};
        return "split: simulating on CUDA device " + std::to_string(remote_->device().ordinal) + " (" +
               remote_->device().name + "), displaying on " + std::to_string(cuda_.ordinal) + " (" + cuda_.name +
               "), peer access " + (remote_->peer_access() ? "on" : "unavailable: copies staged by the driver");
    }

private:
    const render::Context& ctx_;
    ProducerInfo info_;
    // Creation order; the destructor synchronizes the stream before any of these die, the simulation first.
    interop::CudaDevice cuda_;
    std::vector<interop::SharedImage> images_;
    std::vector<interop::SharedBuffer> buffers_;
    std::vector<SlotOutput> outputs_;
    std::vector<std::vector<compute::SurfaceView>> surfaces_;
    std::optional<interop::SharedTimeline> produced_, consumed_;
    std::vector<interop::SharedBinarySemaphore> produced_binary_, consumed_binary_;
    compute::UniqueStream stream_;
    std::vector<SlotEvents> events_;
    std::vector<compute::UniqueEvent> ready_;      // split: recorded on stream_ once the slot may be written
    std::unique_ptr<RemoteSimulation> remote_;     // split: the simulating GPU
    std::unique_ptr<compute::Simulation> simulation_;
};

struct HostUnregister {
    void operator()(void* p) const noexcept { (void)cudaHostUnregister(p); }
};
struct HostFree {
    void operator()(void* p) const noexcept { (void)cudaFreeHost(p); }
};
using UniqueRegistration = core::Unique<void*, HostUnregister>;
using UniquePinned = core::Unique<void*, HostFree>;

class StagingProducer final : public Producer {
public:
    StagingProducer(const render::Context& ctx, const ProducerInfo& info)
        : info_(info), cuda_(interop::select_cuda_device(ctx, info.cuda_device)),
          slots_(UploadSlots::create(ctx, info, std::string(info.sample->name))) {
        const std::string name(info.sample->name);
        const auto& out = info.output;
        const std::size_t bytes = output_bytes(out);
        stream_ = compute::create_stream(name + ".stream");
        for (std::uint32_t s = 0; s < info.slots; ++s) {
            void* host = slots_.staging(s).data();
            const cudaError_t r = cudaHostRegister(host, bytes, cudaHostRegisterDefault);
            if (r == cudaSuccess) {
                registrations_.emplace_back(host);
                copy_targets_.push_back(host);
            } else {
                (void)cudaGetLastError(); // refused (e.g. driver-owned mapping): fall back to a pinned bounce
                void* pinned = nullptr;
                CUVK_CUDA(cudaMallocHost(&pinned, bytes), name + ".bounce");
                bounce_.emplace_back(pinned);
                copy_targets_.push_back(pinned);
            }
        }
        outputs_.emplace(info, stream_.get(), name + ".cuda_output");
        events_ = make_events(info.slots, name);
        for (std::uint32_t s = 0; s < info.slots; ++s)
            copied_.push_back(compute::create_event(name + ".copied"));
        simulation_ = info.sample->make_cuda(info.simulation, stream_.get());
    }

    ~StagingProducer() override { (void)cudaStreamSynchronize(stream_.get()); }

    const SlotOutput& slot(std::uint32_t s) const override { return slots_.slot(s); }

    void produce(std::uint64_t, std::uint32_t s) override {
        cudaStream_t stream = stream_.get();
        const auto& out = info_.output;
        CUVK_CUDA(cudaEventRecord(events_[s].start.get(), stream), "simulation timing");
        simulation_->step(outputs_->output(s));
        CUVK_CUDA(cudaEventRecord(events_[s].end.get(), stream), "simulation timing");
        auto* host = static_cast<std::byte*>(copy_targets_[s]);
        if (out.kind == compute::OutputKind::image) {
            const std::size_t bpp = out.format == compute::PixelFormat::rgba8 ? 4 : 8;
            for (std::uint32_t l = 0; l < out.mip_levels; ++l) {
                const auto e = level_extent(out, l);
                CUVK_CUDA(cudaMemcpy2DFromArrayAsync(host + slots_.level_offset(l), e.width * bpp, outputs_->array(s, l), 0,
                                                     0, e.width * bpp, e.height, cudaMemcpyDeviceToHost, stream),
                          "staging D2H");
            }
        } else {
            CUVK_CUDA(cudaMemcpyAsync(host, outputs_->vertices(s), output_bytes(out), cudaMemcpyDeviceToHost, stream),
                      "staging D2H");
        }
        CUVK_CUDA(cudaEventRecord(copied_[s].get(), stream), "staging D2H");
    }

    std::vector<render::SemaphoreSubmit> before_submit(std::uint64_t first, std::uint64_t last) override {
        for (std::uint64_t k = first; k <= last; ++k) {
            const std::uint32_t s = std::uint32_t(k % info_.slots);
            CUVK_CUDA(cudaEventSynchronize(copied_[s].get()), "staging D2H");
            if (copy_targets_[s] != slots_.staging(s).data())
                std::memcpy(slots_.staging(s).data(), copy_targets_[s], output_bytes(info_.output));
        }
        return {};
    }

    std::vector<render::SemaphoreSubmit> signals(std::uint64_t, std::uint64_t) override { return {}; }
    void record_before_draw(VkCommandBuffer cmd, std::uint32_t s) const override { slots_.record_upload(cmd, s); }
    void record_after_draw(VkCommandBuffer, std::uint32_t) const override {}
    std::optional<double> simulation_ms(std::uint32_t s) override {
        return elapsed_ms(events_[s].start.get(), events_[s].end.get());
    }
    void finish() override { compute::synchronize(stream_.get(), "staging stream"); }
    std::string describe() const override {
        return bounce_.empty() ? "D2H straight into cudaHostRegister'ed Vulkan staging memory"
                               : "cudaHostRegister refused the Vulkan staging memory: D2H into pinned memory + host copy";
    }

private:
    ProducerInfo info_;
    // Creation order; the destructor synchronizes the stream first. Registrations die before the Vulkan memory.
    interop::CudaDevice cuda_;
    UploadSlots slots_;
    compute::UniqueStream stream_;
    std::vector<UniqueRegistration> registrations_;
    std::vector<UniquePinned> bounce_;
    std::vector<void*> copy_targets_; // per slot: the registered staging memory, or its pinned bounce buffer
    std::optional<CudaSlotOutputs> outputs_;
    std::vector<SlotEvents> events_;
    std::vector<compute::UniqueEvent> copied_;
    std::unique_ptr<compute::Simulation> simulation_;
};

} // namespace

std::unique_ptr<Producer> make_interop_producer(const render::Context& ctx, const ProducerInfo& info) {
    return std::make_unique<InteropProducer>(ctx, info);
}

std::unique_ptr<Producer> make_staging_producer(const render::Context& ctx, const ProducerInfo& info) {
    return std::make_unique<StagingProducer>(ctx, info);
}

} // namespace cuvk::engine
