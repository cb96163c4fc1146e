// gl_backend.hpp with CUDA: CUDA-OpenGL interop through a headless EGL context.

#include "gl_backend.hpp"

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/mip_surfaces.hpp"
#include "cuvk/compute/stream.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/core/unique.hpp"
#include "cuvk/engine/frame_ring.hpp"
#include "cuvk/engine/timings.hpp"
#include "cuvk/render/timestamps.hpp"
#include "gl_context.hpp"

#include <GL/gl.h> // cuda_gl_interop.h expects GL's types from here
#include <algorithm>
#include <chrono>
#include <cuda_gl_interop.h>

namespace cuvk::engine {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kWaitNs = 5'000'000'000; // a GL fence not reached in 5 s is a failure

GLenum gl_format(compute::PixelFormat f) {
    switch (f) {
    case compute::PixelFormat::rgba8:
    case compute::PixelFormat::bgra8: // the same bytes; the copy does not reorder them (the bench times it)
        return GL_RGBA8;
    case compute::PixelFormat::rgba16f:
        return GL_RGBA16F;
    case compute::PixelFormat::rgba32f:
        return GL_RGBA32F;
    case compute::PixelFormat::r32f:
        return GL_R32F;
    }
    return GL_RGBA8;
}

struct Unregister {
    void operator()(cudaGraphicsResource_t r) const noexcept { (void)cudaGraphicsUnregisterResource(r); }
};
using Registration = core::Unique<cudaGraphicsResource_t, Unregister>;

// One output of one slot: its GL texture, registered with CUDA, and the surfaces of the array it maps to. The
// surfaces are made again whenever a map gives another array (the CUDA guide allows the array to change per map);
// where the driver hands back the same one, they are kept, as applications do. Members in creation order: the
// registration goes before the texture it names.
struct SlotOutput {
    gl::Texture texture;
    Registration resource;
    cudaMipmappedArray_t mapped = nullptr;
    compute::MipSurfaces surfaces;
};

struct Slot {
    std::vector<SlotOutput> outputs;
    std::vector<cudaGraphicsResource_t> resources; // each output's registration, as map and unmap take them
    compute::UniqueEvent start, end;               // around the simulation's step
    GLuint queries[2] = {0, 0};                    // GL timestamps around the copy
    GLsync fence = nullptr;                        // after the copy
    std::optional<std::uint64_t> frame;
    bool measured = false;     // after the warm-up and timed (timed_frame): its timings are taken
    std::int64_t began_ns = 0; // host clock when the frame began
};

// The GL context is on CUDA device `ordinal` (cudaGLGetDevices, asked with the context current).
void require_same_device(int ordinal) {
    unsigned count = 0;
    int devices[8] = {};
    CUVK_CUDA(cudaGLGetDevices(&count, devices, 8, cudaGLDeviceListAll), "gl backend: the GL context's CUDA devices");
    for (unsigned i = 0; i < count; ++i)
        if (devices[i] == ordinal)
            return;
    core::fail("the headless GL context is not on CUDA device " + std::to_string(ordinal));
}

// GL time -> host time: both clocks sampled together, the offset of the tightest of a few samples.
std::int64_t gl_to_host_offset(const gl::Context& ctx) {
    std::int64_t best = 0, spread = INT64_MAX;
    for (int i = 0; i < 5; ++i) {
        const std::int64_t before = render::host_monotonic_ns();
        GLint64 gl_now = 0;
        ctx.gl().GetInteger64v(GL_TIMESTAMP, &gl_now);
        const std::int64_t after = render::host_monotonic_ns();
        if (after - before < spread) {
            spread = after - before;
            best = (before + after) / 2 - std::int64_t(gl_now);
        }
    }
    return best;
}

class GlRun {
public:
    GlRun(std::unique_ptr<compute::Simulation> simulation, const GlRunInfo& info)
        : info_(info), sim_(std::move(simulation)) {
        int ordinal = 0;
        if (info.cuda_device)
            ordinal = *info.cuda_device;
        CUVK_CUDA(cudaSetDevice(ordinal), "gl backend: the CUDA device");
        ctx_ = gl::Context::create(ordinal);
        require_same_device(ordinal);
        const auto& desc = sim_->desc();
        params_ = info.params;
        if (params_.empty())
            for (const auto& p : desc.params)
                params_.push_back(p.value);
        start_ = {.extent = info.extent, .params = params_, .seed = info.seed};
        specs_ = sim_->outputs(start_);
        for (const auto& o : specs_)
            if (o.kind != compute::OutputKind::image || o.linear)
                core::fail_usage("the gl backend draws image outputs only, and " + desc.name + " writes " +
                                 (o.linear ? "a linear image" : "vertices"));
        if (!desc.has_cuda)
            core::fail_usage(desc.name + " has no CUDA implementation");
        n_ = info.frames_in_flight;
        if (n_ < 1 || n_ > 8 || info.batch < 1 || info.batch > n_)
            core::fail_usage("the gl backend needs 1..8 frames in flight and a batch of 1..N");
        target_.emplace(*ctx_, gl::TextureInfo{.extent = info.extent, .format = GL_RGBA8});
        copier_ = std::make_unique<gl::Copier>(*ctx_);
        const auto& gl = ctx_->gl();
        for (std::uint32_t s = 0; s < n_; ++s) {
            Slot slot;
            for (const auto& o : specs_) {
                SlotOutput out{
                    gl::Texture(*ctx_, {.extent = o.extent, .format = gl_format(o.format), .levels = o.mip_levels})};
                cudaGraphicsResource_t resource = nullptr;
                CUVK_CUDA(cudaGraphicsGLRegisterImage(&resource, out.texture.get(), GL_TEXTURE_2D,
                                                      cudaGraphicsRegisterFlagsSurfaceLoadStore),
                          desc.name + ".gl");
                out.resource = Registration(resource);
                slot.resources.push_back(resource);
                slot.outputs.push_back(std::move(out));
            }
            slot.start = compute::create_event(desc.name + ".gl.start", true);
            slot.end = compute::create_event(desc.name + ".gl.end", true);
            gl.GenQueries(2, slot.queries);
            slots_.push_back(std::move(slot));
        }
        ctx_->check("creating the gl backend's slots");
        stream_ = compute::create_stream(desc.name + ".gl.stream");
    }

    ~GlRun() {
        if (mapped_) { // a batch failed between map and unmap: unmap before anything is unregistered
            (void)cudaGraphicsUnmapResources(int(batch_resources_.size()), batch_resources_.data(), stream_.get());
            (void)cudaGetLastError();
        }
        (void)cudaStreamSynchronize(stream_.get());
        if (started_)
            sim_->stop();
        (void)cudaStreamSynchronize(stream_.get());
        const auto& gl = ctx_->gl();
        for (auto& slot : slots_) {
            if (slot.fence) {
                (void)gl.ClientWaitSync(slot.fence, GL_SYNC_FLUSH_COMMANDS_BIT, kWaitNs);
                gl.DeleteSync(slot.fence);
            }
            gl.DeleteQueries(2, slot.queries);
        }
    }

    RunResult run() {
        RunResult result;
        result.backend = Backend::gl;
        choose_path();
        result.backend_note = note_;
        sim_->start(start_, stream_.get());
        started_ = true;
        offset_ns_ = gl_to_host_offset(*ctx_);
        calibrated_ = Clock::now();
        const std::uint64_t frames = info_.frames;
        // As run_headless, but never beyond the last batch's start.
        const std::uint64_t warmup =
            std::min<std::uint64_t>(warmup_frames(frames, n_, info_.batch), (frames - 1) / info_.batch * info_.batch);
        std::vector<double> host_ms;
        auto steady_start = Clock::now();
        for (std::uint64_t k = 0; k < frames;) {
            // A batch never straddles the end of the warm-up, so each frame is timed or not as a whole.
            const std::uint64_t end = std::min<std::uint64_t>({k + info_.batch, frames, k < warmup ? warmup : frames});
            if (k == warmup) {
                steady_start = Clock::now();
                measuring_ = true;
            }
            const auto begin = Clock::now();
            frames_of_batch(k, std::uint32_t(end - k));
            if (measuring_)
                host_ms.insert(host_ms.end(), end - k,
                               std::chrono::duration<double, std::milli>(Clock::now() - begin).count() /
                                   double(end - k));
            k = end;
        }
        for (auto& slot : slots_)
            retire(slot);
        const double seconds = std::chrono::duration<double>(Clock::now() - steady_start).count();
        result.fps = seconds > 0 ? double(frames - warmup) / seconds : 0.0;
        result.simulation = summarize(sim_ms_);
        result.draw = summarize(draw_ms_);
        result.latency_ms = latency_ms_;
        result.latency = summarize(latency_ms_);
        result.host_frame = summarize(std::move(host_ms));
        return result;
    }

private:
    // Each path that can copy the displayed output, timed by GL timestamps over 20 copies; the fastest is taken.
    void choose_path() {
        const auto& gl = ctx_->gl();
        const auto& from = slots_[0].outputs[0].texture;
        GLuint q[2];
        gl.GenQueries(2, q);
        double best = 0.0;
        for (const auto path : {gl::CopyPath::compute, gl::CopyPath::copy_image, gl::CopyPath::blit}) {
            if (!gl::Copier::can(path, from.info()))
                continue;
            for (int i = 0; i < 3; ++i)
                copier_->copy(path, from, *target_);
            gl.QueryCounter(q[0], GL_TIMESTAMP);
            constexpr int kCopies = 20;
            for (int i = 0; i < kCopies; ++i)
                copier_->copy(path, from, *target_);
            gl.QueryCounter(q[1], GL_TIMESTAMP);
            gl.Finish();
            GLuint64 t0 = 0, t1 = 0;
            gl.GetQueryObjectui64v(q[0], GL_QUERY_RESULT, &t0);
            gl.GetQueryObjectui64v(q[1], GL_QUERY_RESULT, &t1);
            const double ms = double(t1 - t0) * 1e-6 / kCopies;
            note_ += std::string(note_.empty() ? "" : ", ") + gl::to_string(path) + " " + std::to_string(ms) + " ms";
            if (note_path_.empty() || ms < best) {
                best = ms;
                path_ = path;
                note_path_ = gl::to_string(path);
            }
        }
        gl.DeleteQueries(2, q);
        ctx_->check("timing the GL copy paths");
        note_ = "CUDA-GL on " + ctx_->description() + ": copy by " + note_path_ + " (" + note_ +
                ", timed alone before the run)";
        if (specs_[0].format == compute::PixelFormat::bgra8)
            note_ += "; BGRA8 copied as RGBA8 (red and blue swapped on screen, the same bytes moved)";
    }

    // Waits for the slot's last frame (its GL fence) and takes its timings.
    void retire(Slot& slot) {
        if (!slot.fence)
            return;
        const auto& gl = ctx_->gl();
        const GLenum r = gl.ClientWaitSync(slot.fence, GL_SYNC_FLUSH_COMMANDS_BIT, kWaitNs);
        if (r != GL_ALREADY_SIGNALED && r != GL_CONDITION_SATISFIED)
            core::fail("gl backend: frame " + std::to_string(*slot.frame) + " did not finish within 5 s");
        gl.DeleteSync(slot.fence);
        slot.fence = nullptr;
        // The two clocks drift apart by tens of ppm: calibrate again every 100 ms, as render::Timestamps does.
        if (const auto now = Clock::now(); now - calibrated_ > std::chrono::milliseconds(100)) {
            offset_ns_ = gl_to_host_offset(*ctx_);
            calibrated_ = now;
        }
        if (slot.measured) {
            float ms = 0.0f;
            if (cudaEventElapsedTime(&ms, slot.start.get(), slot.end.get()) == cudaSuccess)
                sim_ms_.push_back(ms);
            else
                (void)cudaGetLastError();
            GLuint64 t0 = 0, t1 = 0;
            gl.GetQueryObjectui64v(slot.queries[0], GL_QUERY_RESULT, &t0);
            gl.GetQueryObjectui64v(slot.queries[1], GL_QUERY_RESULT, &t1);
            draw_ms_.push_back(double(t1 - t0) * 1e-6);
            latency_ms_.push_back(double(std::int64_t(t1) + offset_ns_ - slot.began_ns) * 1e-6);
        }
        slot.frame.reset();
    }

    // Frames k0 .. k0+count-1, one per slot. Their textures are mapped by one cudaGraphicsMapResources and unmapped by
    // one cudaGraphicsUnmapResources: both block the host until the GPU has switched between the GL and the CUDA
    // context (the micro-benchmarks' CUDA-GL group), so a batch pays them once, as interop pays one pair of context
    // switches per batch, and GL copies the batch's frames after the unmap.
    void frames_of_batch(std::uint64_t k0, std::uint32_t count) {
        const auto& gl = ctx_->gl();
        batch_resources_.clear();
        for (std::uint32_t i = 0; i < count; ++i) {
            Slot& slot = slots_[(k0 + i) % n_];
            retire(slot); // frame k - N: the slot's textures are free and its timings known
            slot.frame = k0 + i;
            slot.measured = measuring_ && timed_frame({k0 + i}, info_.timed_every.value_or(info_.batch));
            slot.began_ns = render::host_monotonic_ns();
            batch_resources_.insert(batch_resources_.end(), slot.resources.begin(), slot.resources.end());
        }
        cudaStream_t stream = stream_.get();
        // Mapping orders CUDA's work on the stream after GL's earlier use of the textures; unmapping orders GL's
        // later use after it (CUDA Runtime API, Graphics Interoperability).
        CUVK_CUDA(cudaGraphicsMapResources(int(batch_resources_.size()), batch_resources_.data(), stream),
                  "gl backend: map");
        mapped_ = true;
        for (std::uint32_t i = 0; i < count; ++i) {
            const std::uint64_t k = k0 + i;
            Slot& slot = slots_[k % n_];
            std::vector<compute::OutputView> views;
            for (std::size_t o = 0; o < slot.outputs.size(); ++o) {
                auto& out = slot.outputs[o];
                cudaMipmappedArray_t mipmap = nullptr;
                CUVK_CUDA(cudaGraphicsResourceGetMappedMipmappedArray(&mipmap, out.resource.get()),
                          "gl backend: mapped array");
                if (mipmap != out.mapped) { // a new array: its surfaces (the old ones' launches have finished first)
                    CUVK_CUDA(cudaStreamSynchronize(stream), "gl backend: surfaces");
                    out.surfaces =
                        compute::make_mip_surfaces(mipmap, specs_[o].extent, specs_[o].mip_levels, "gl slot");
                    out.mapped = mipmap;
                }
                views.push_back(
                    {.spec = specs_[o], .levels = out.surfaces.views, .texture = out.surfaces.texture.get()});
            }
            if (slot.measured) // timed as cuvk times it: one frame per batch by default (RingInfo::timed_every)
                CUVK_CUDA(cudaEventRecord(slot.start.get(), stream), "gl backend: timing");
            compute::FrameContext ctx{.stream = stream,
                                      .frame = {k},
                                      .time = double(k) / 60.0,
                                      .steps = 1,
                                      .params = params_,
                                      .outputs = views};
            sim_->step(ctx);
            if (slot.measured)
                CUVK_CUDA(cudaEventRecord(slot.end.get(), stream), "gl backend: timing");
        }
        CUVK_CUDA(cudaGraphicsUnmapResources(int(batch_resources_.size()), batch_resources_.data(), stream),
                  "gl backend: unmap");
        mapped_ = false;
        for (std::uint32_t i = 0; i < count; ++i) {
            Slot& slot = slots_[(k0 + i) % n_];
            if (slot.measured)
                gl.QueryCounter(slot.queries[0], GL_TIMESTAMP);
            copier_->copy(path_, slot.outputs[0].texture, *target_);
            if (slot.measured)
                gl.QueryCounter(slot.queries[1], GL_TIMESTAMP);
            slot.fence = gl.FenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
        }
        gl.Flush();
        ctx_->check("gl backend: frames " + std::to_string(k0) + ".." + std::to_string(k0 + count - 1));
    }

    GlRunInfo info_;
    std::unique_ptr<compute::Simulation> sim_;
    std::vector<float> params_;
    compute::SimulationInfo start_;
    std::vector<compute::OutputSpec> specs_;
    std::uint32_t n_ = 1;
    // Creation order: the GL context first, the CUDA stream last; the destructor stops the simulation, unregisters
    // every texture from CUDA before GL deletes it.
    std::unique_ptr<gl::Context> ctx_;
    std::optional<gl::Texture> target_;
    std::unique_ptr<gl::Copier> copier_;
    std::vector<Slot> slots_;
    compute::UniqueStream stream_;
    bool started_ = false;
    bool measuring_ = false;
    gl::CopyPath path_ = gl::CopyPath::compute;
    std::string note_, note_path_;
    std::int64_t offset_ns_ = 0; // GL timestamp + offset = host_monotonic_ns()
    Clock::time_point calibrated_;
    std::vector<cudaGraphicsResource_t> batch_resources_; // the textures of the batch being drawn
    bool mapped_ = false;                                 // between the batch's map and its unmap
    std::vector<double> sim_ms_, draw_ms_, latency_ms_;
};

} // namespace

std::string gl_unavailable(std::optional<int> cuda_device) {
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
        (void)cudaGetLastError();
        return "no CUDA device";
    }
    try {
        const auto ctx = gl::Context::create(cuda_device.value_or(0));
        require_same_device(cuda_device.value_or(0));
    } catch (const core::Error& e) {
        return "no headless OpenGL context on the CUDA device: " + e.message();
    }
    return {};
}

RunResult run_gl(std::unique_ptr<compute::Simulation> simulation, const GlRunInfo& info) {
    GlRun run(std::move(simulation), info);
    return run.run();
}

} // namespace cuvk::engine
