// The C ABI (include/cuvk/cuvk.h): a session is a Vulkan context, one FrameRing whose simulation is the caller (an
// ExternalSimulation: its outputs and parameters are declared through the ABI, its step() only hands the frame's
// outputs over), an offscreen target and a FrameLoop driven frame by frame with begin_frame() / end_frame().
// Every entry point catches everything: a core::Error becomes its status and message, anything else a runtime error.

#include "cuvk/cuvk.h"

#include "cuvk/core/error.hpp"
#include "cuvk/engine/frame_loop.hpp"
#include "cuvk/engine/frame_ring.hpp"
#include "cuvk/engine/recorder.hpp"
#include "cuvk/engine/target.hpp"
#include "cuvk/engine/viewer.hpp"
#include "cuvk/interop/extensions.hpp"
#include "cuvk/interop/probe.hpp"
#include "cuvk/render/readback.hpp"
#include "stream_order.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace cuvk;

thread_local std::string g_last_error;

// What this device or backend cannot do (CUVK_ERROR_UNSUPPORTED).
struct Unsupported : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The caller as a simulation: the outputs and parameters declared through the ABI; step() keeps the frame's views.
class ExternalSimulation final : public compute::Simulation {
public:
    // `on_step` (the viewer): called at the end of each step(), with the frame's views kept.
    using OnStep = std::function<void(const ExternalSimulation&)>;
    ExternalSimulation(compute::SimulationDesc desc, std::vector<compute::OutputSpec> outputs, OnStep on_step = {})
        : desc_(std::move(desc)), outputs_(std::move(outputs)), on_step_(std::move(on_step)) {}
    const compute::SimulationDesc& desc() const override { return desc_; }
    std::vector<compute::OutputSpec> outputs(const compute::SimulationInfo&) const override { return outputs_; }
    void start(const compute::SimulationInfo&, compute::CudaStream stream) override { stream_ = stream; }
    void stop() override {}
    void on_resize(const compute::SimulationInfo&, compute::CudaStream stream) override { stream_ = stream; }
    void step(compute::FrameContext& frame) override {
        frame_ = frame.frame;
        time_ = frame.time;
        stream_ = frame.stream;
        params_ = frame.params;                                    // the ring's own vector: valid until the frame ends
        views_.assign(frame.outputs.begin(), frame.outputs.end()); // the spans inside point at the ring's slots
        if (on_step_)
            on_step_(*this);
    }

    std::span<const float> params() const { return params_; }
    core::FrameIndex frame() const { return frame_; }
    double time() const { return time_; }
    compute::CudaStream stream() const { return stream_; }
    const std::vector<compute::OutputView>& views() const { return views_; }

private:
    compute::SimulationDesc desc_;
    std::vector<compute::OutputSpec> outputs_;
    OnStep on_step_;
    std::span<const float> params_;
    compute::CudaStream stream_ = nullptr;
    core::FrameIndex frame_;
    double time_ = 0.0;
    std::vector<compute::OutputView> views_;
};

const compute::PixelFormat kFormats[] = {compute::PixelFormat::rgba8, compute::PixelFormat::bgra8,
                                         compute::PixelFormat::rgba16f, compute::PixelFormat::rgba32f,
                                         compute::PixelFormat::r32f};

cuvk_status fail(cuvk_status status, std::string message) {
    g_last_error = std::move(message);
    return status;
}

// Runs `body`, turning whatever it throws into a status and the thread's last error.
template <class F> cuvk_status guarded(F&& body) {
    try {
        g_last_error.clear();
        body();
        return CUVK_OK;
    } catch (const core::Error& e) {
        return fail(e.is_usage() ? CUVK_ERROR_USAGE : CUVK_ERROR_RUNTIME, e.what());
    } catch (const Unsupported& e) {
        return fail(CUVK_ERROR_UNSUPPORTED, e.what());
    } catch (const std::exception& e) {
        return fail(CUVK_ERROR_RUNTIME, e.what());
    } catch (...) {
        return fail(CUVK_ERROR_RUNTIME, "an unknown exception");
    }
}

} // namespace

// Members in creation order: the loop dies before the target and the ring, the ring (which stops the simulation and
// synchronizes CUDA) before the context.
struct cuvk_session {
    std::string name;
    core::Extent2D extent;
    engine::Backend backend = engine::Backend::cpu;
    std::uint32_t frames_in_flight = 3;
    int cuda_device = -1; // the CUDA ordinal of the Vulkan device (CUDA backends)
    std::vector<compute::OutputSpec> outputs;
    compute::SimulationDesc desc;
    std::vector<float> params;
    std::unique_ptr<render::Context> ctx;
    ExternalSimulation* simulation = nullptr; // owned by the ring
    std::unique_ptr<engine::FrameRing> ring;
    std::unique_ptr<engine::OffscreenTarget> target;
    std::unique_ptr<engine::FrameLoop> loop;
    std::unique_ptr<engine::Recorder> recorder; // fed by the target's captures while recording
    bool drawn = false;                         // a frame has ended

    ~cuvk_session() {
        try {
            if (loop && loop->in_frame()) // end the frame begun, so that the ring's accounting stays whole
                loop->end_frame();
            if (recorder) { // every frame drawn reaches the recording, which then closes whole
                if (loop)
                    loop->finish();
                core::log_to_stderr(core::LogLevel::info, recorder->finish());
            }
        } catch (const std::exception& e) { // a destructor reports, it does not throw
            core::log_to_stderr(core::LogLevel::error, e.what());
        }
    }

    // At the first frame, everything declared: all three made, or none (a failure leaves the session as it was).
    void start() {
        if (outputs.empty())
            core::fail_usage("declare at least one output (cuvk_session_add_output) before the first frame");
        auto sim = std::make_unique<ExternalSimulation>(desc, outputs);
        ExternalSimulation* const sim_view = sim.get();
        auto new_ring = std::make_unique<engine::FrameRing>(*ctx, std::move(sim),
                                                            engine::RingInfo{.backend = backend,
                                                                             .extent = extent,
                                                                             .params = params,
                                                                             .frames_in_flight = frames_in_flight,
                                                                             .name = name,
                                                                             // nothing reads the loop's timings here:
                                                                             // none taken, none kept
                                                                             .timed_every = 0});
        const engine::FrameLoopInfo loop_info{.name = name};
        const bool raster = engine::drawn_by_raster(new_ring->output().kind, loop_info.points);
        // Every frame is read back while recording (the target's captures feed the recorder as frames retire).
        auto new_target = std::make_unique<engine::OffscreenTarget>(
            *ctx, engine::OffscreenTargetInfo{.extent = extent,
                                              .readbacks = frames_in_flight,
                                              .capture = [this](core::FrameIndex) { return recorder != nullptr; },
                                              .on_capture =
                                                  [this](core::FrameIndex, render::Pixels&& p) {
                                                      if (recorder)
                                                          (void)recorder->push(std::move(p));
                                                  },
                                              .raster = raster,
                                              .name = name + ".target"});
        engine::FrameRing* rings[] = {new_ring.get()};
        auto new_loop = std::make_unique<engine::FrameLoop>(*ctx, *new_target, rings, loop_info);
        simulation = sim_view;
        ring = std::move(new_ring);
        target = std::move(new_target);
        loop = std::move(new_loop);
    }
};

namespace {

// What an output declared through the ABI is; usage errors name what is wrong.
compute::OutputSpec output_spec(const cuvk_output_info& info) {
    if (info.struct_size < sizeof(cuvk_output_info))
        core::fail_usage("cuvk_output_info.struct_size is " + std::to_string(info.struct_size) +
                         ": set it to sizeof(cuvk_output_info)");
    compute::OutputSpec spec;
    switch (std::uint32_t(info.kind)) {
    case CUVK_OUTPUT_IMAGE:
        if (std::uint32_t(info.format) > std::uint32_t(CUVK_FORMAT_R32F))
            core::fail_usage("unknown image format " + std::to_string(int(info.format)));
        if (info.width == 0 || info.height == 0)
            core::fail_usage("an image output needs a width and a height");
        spec = {.kind = compute::OutputKind::image,
                .extent = {info.width, info.height},
                .format = kFormats[info.format],
                .mip_levels = std::max(1u, info.mip_levels),
                .linear = info.linear != 0};
        if (spec.linear && spec.mip_levels != 1)
            core::fail_usage("a linear image output has one level, not " + std::to_string(spec.mip_levels));
        if (spec.mip_levels > 16 || spec.mip_levels > std::uint32_t(std::bit_width(std::max(info.width, info.height))))
            core::fail_usage(std::to_string(spec.mip_levels) + " mip levels are too many for " +
                             core::to_string(spec.extent));
        break;
    case CUVK_OUTPUT_POINTS:
        if (info.vertex_count == 0)
            core::fail_usage("a points output needs a vertex count");
        spec = {.kind = compute::OutputKind::points, .vertex_count = info.vertex_count};
        break;
    case CUVK_OUTPUT_MESH:
        if (info.width < 2 || info.height < 2)
            core::fail_usage("a mesh output needs a grid of at least 2x2 vertices");
        spec = {.kind = compute::OutputKind::mesh,
                .vertex_count = std::size_t(info.width) * info.height,
                .grid = {info.width, info.height}};
        break;
    default:
        core::fail_usage("unknown output kind " + std::to_string(int(info.kind)));
    }
    return spec;
}

// A session made with validation fails the call during which the layer reported something.
void fail_on_validation(cuvk_session& s) {
    if (!s.ctx)
        return;
    const auto messages = s.ctx->take_validation_messages();
    if (!messages.empty())
        core::fail("the validation layer reported " + std::to_string(messages.size()) +
                       " message(s), the first: " + messages.front().id + ": " + messages.front().text,
                   s.name);
}

// A parameter declared through the ABI; usage errors for no name or a default outside the range.
compute::ParamSpec param_spec(const char* name, float value, float min, float max) {
    if (!name)
        core::fail_usage("a parameter's name is NULL");
    if (!(min <= value && value <= max))
        core::fail_usage(std::string("parameter ") + name + ": " + std::to_string(value) + " is outside " +
                         std::to_string(min) + ".." + std::to_string(max));
    return {.name = name, .value = value, .min = min, .max = max};
}

// Parameter `index` of the session, or a usage error naming how many there are.
const compute::ParamSpec& param_at(const cuvk_session& s, std::uint32_t index) {
    if (index >= s.params.size())
        core::fail_usage("no parameter " + std::to_string(index) + " (there are " + std::to_string(s.params.size()) +
                         ")");
    return s.desc.params[index];
}

void fill_output(const compute::OutputView& v, int device, cuvk_frame_output& out);

// The frame the simulation was just stepped into, as the ABI shows it (its outputs on CUDA device `device`, -1: host).
void fill_frame(const ExternalSimulation& sim, int device, cuvk_frame& frame) {
    frame = {};
    frame.index = sim.frame().value;
    frame.time = sim.time();
    frame.stream = sim.stream();
    frame.output_count = std::uint32_t(sim.views().size());
    for (std::size_t o = 0; o < sim.views().size(); ++o)
        fill_output(sim.views()[o], device, frame.outputs[o]);
    frame.params = sim.params().data();
    frame.param_count = std::uint32_t(sim.params().size());
}

void require(const void* p, const char* what) {
    if (!p)
        core::fail_usage(std::string(what) + " is NULL");
}

void fill_output(const compute::OutputView& v, int device, cuvk_frame_output& out) {
    const auto& spec = v.spec;
    out = {};
    out.kind = spec.kind == compute::OutputKind::image    ? CUVK_OUTPUT_IMAGE
               : spec.kind == compute::OutputKind::points ? CUVK_OUTPUT_POINTS
                                                          : CUVK_OUTPUT_MESH;
    out.format = cuvk_format(std::find(std::begin(kFormats), std::end(kFormats), spec.format) - std::begin(kFormats));
    out.width = spec.kind == compute::OutputKind::mesh ? spec.grid.width : spec.extent.width;
    out.height = spec.kind == compute::OutputKind::mesh ? spec.grid.height : spec.extent.height;
    out.mip_levels = spec.kind == compute::OutputKind::image ? spec.mip_levels : 0;
    out.vertex_count = spec.vertex_count;
    out.bytes = spec.host_bytes();
    const bool host = !v.host_levels.empty() || v.host_vertices;
    out.device = host ? -1 : device;
    if (spec.kind == compute::OutputKind::image) {
        out.linear = spec.linear ? 1u : 0u;
        if (host) {
            out.data = v.host_levels[0].data;
            out.pitch = v.host_levels[0].pitch;
        } else if (spec.linear) {
            out.data = v.device_pixels;
            out.pitch = v.device_pitch;
        }
        for (std::size_t l = 0; l < v.levels.size() && l < 16; ++l)
            out.surfaces[l] = v.levels[l].surface;
        out.texture = v.texture;
    } else {
        out.data = host ? v.host_vertices : v.device_vertices;
    }
}

// stream_acquire (the caller's stream waits for the frame's) and stream_release (the frame's waits for the caller's).
cuvk_status order_with_frame(cuvk_session* session, void* stream, bool acquire) {
    const char* call = acquire ? "cuvk_session_stream_acquire" : "cuvk_session_stream_release";
    return guarded([&] {
        require(session, "session");
        if (!session->loop || !session->loop->in_frame())
            core::fail_usage(std::string(call) + ": no frame was begun");
        if (session->backend == engine::Backend::cpu)
            return;
        void* frame_stream = session->simulation->stream();
        capi::stream_wait(acquire ? stream : frame_stream, acquire ? frame_stream : stream, session->cuda_device,
                          session->name + ": " + call);
    });
}

} // namespace

extern "C" {

uint32_t cuvk_abi_version(void) {
    return CUVK_ABI_VERSION;
}

const char* cuvk_version(void) {
    return CUVK_VERSION_TEXT;
}

const char* cuvk_last_error(void) {
    return g_last_error.c_str();
}

cuvk_status cuvk_session_create(const cuvk_session_info* info, cuvk_session** out) {
    if (out)
        *out = nullptr;
    return guarded([&] {
        require(info, "info");
        require(out, "out");
        if (info->struct_size < sizeof(cuvk_session_info))
            core::fail_usage("cuvk_session_info.struct_size is " + std::to_string(info->struct_size) +
                             ": set it to sizeof(cuvk_session_info)");
        if (info->width == 0 || info->height == 0)
            core::fail_usage("the session's size " + std::to_string(info->width) + "x" + std::to_string(info->height) +
                             " has a zero side");
        if (std::uint32_t(info->backend) > std::uint32_t(CUVK_BACKEND_CPU))
            core::fail_usage("unknown backend " + std::to_string(int(info->backend)));
        auto s = std::make_unique<cuvk_session>();
        s->name = info->name && *info->name ? info->name : "cuvk";
        s->extent = {info->width, info->height};
        s->frames_in_flight = info->frames_in_flight == 0 ? 3 : info->frames_in_flight;
        if (s->frames_in_flight > 8)
            core::fail_usage("frames_in_flight " + std::to_string(s->frames_in_flight) + " is outside 1..8");
        s->desc = {.name = s->name, .description = "written through the C ABI", .has_cuda = true, .has_cpu = true};
        s->ctx = render::Context::create(interop::with_interop_extensions(
            {.app_name = s->name,
             .validation = info->validation ? render::Validation::required : render::Validation::off,
             .device = info->device ? info->device : ""}));
        const auto probe = interop::probe(*s->ctx);
        s->cuda_device = probe.cuda_ordinal.value_or(-1);
        switch (info->backend) {
        case CUVK_BACKEND_AUTO:
            s->backend = probe.available() ? engine::Backend::interop : engine::Backend::cpu;
            break;
        case CUVK_BACKEND_INTEROP:
        case CUVK_BACKEND_STAGING:
            if (info->backend == CUVK_BACKEND_INTEROP ? !probe.available() : !probe.cuda_ordinal) {
                std::string why;
                for (const auto& r : probe.reasons)
                    why += (why.empty() ? "" : "; ") + r;
                throw Unsupported(std::string("the ") +
                                  (info->backend == CUVK_BACKEND_INTEROP ? "interop" : "staging") +
                                  " backend is unavailable: " + why);
            }
            s->backend = info->backend == CUVK_BACKEND_INTEROP ? engine::Backend::interop : engine::Backend::staging;
            break;
        case CUVK_BACKEND_CPU:
            s->backend = engine::Backend::cpu;
            break;
        }
        *out = s.release();
    });
}

cuvk_status cuvk_session_destroy(cuvk_session* session) {
    return guarded([&] { delete session; });
}

const char* cuvk_session_backend(const cuvk_session* session) {
    return session ? engine::to_string(session->backend) : "";
}

cuvk_status cuvk_session_add_output(cuvk_session* session, const cuvk_output_info* info, uint32_t* index) {
    return guarded([&] {
        require(session, "session");
        require(info, "info");
        if (session->loop)
            core::fail_usage("outputs are declared before the first frame");
        if (session->outputs.size() == 8)
            core::fail_usage("a session has at most 8 outputs");
        session->outputs.push_back(output_spec(*info));
        if (index)
            *index = std::uint32_t(session->outputs.size() - 1);
    });
}

cuvk_status cuvk_session_add_param(cuvk_session* session, const char* name, float value, float min, float max,
                                   uint32_t* index) {
    return guarded([&] {
        require(session, "session");
        if (session->loop)
            core::fail_usage("parameters are declared before the first frame");
        session->desc.params.push_back(param_spec(name, value, min, max));
        session->params.push_back(value);
        if (index)
            *index = std::uint32_t(session->params.size() - 1);
    });
}

cuvk_status cuvk_session_set_param(cuvk_session* session, uint32_t index, float value) {
    return guarded([&] {
        require(session, "session");
        const auto& p = param_at(*session, index);
        if (!(p.min <= value && value <= p.max))
            core::fail_usage(p.name + " = " + std::to_string(value) + " is outside " + std::to_string(p.min) + ".." +
                             std::to_string(p.max));
        session->params[index] = value;
        if (session->ring)
            session->ring->set_params(session->params);
    });
}

cuvk_status cuvk_session_get_param(const cuvk_session* session, uint32_t index, float* value) {
    return guarded([&] {
        require(session, "session");
        require(value, "value");
        (void)param_at(*session, index);
        *value = session->params[index];
    });
}

cuvk_status cuvk_session_begin_frame(cuvk_session* session, cuvk_frame* frame) {
    return guarded([&] {
        require(session, "session");
        require(frame, "frame");
        if (session->loop && session->loop->in_frame())
            core::fail_usage("the frame begun before has not ended (cuvk_session_end_frame)");
        if (!session->loop)
            session->start();
        session->loop->begin_frame();
        fill_frame(*session->simulation, session->backend == engine::Backend::cpu ? -1 : session->cuda_device, *frame);
        try {
            fail_on_validation(*session);
        } catch (...) { // the frame is not handed out: end it, so that the next begin finds none open
            session->loop->end_frame();
            throw;
        }
    });
}

cuvk_status cuvk_session_stream_acquire(cuvk_session* session, void* stream) {
    return order_with_frame(session, stream, true);
}

cuvk_status cuvk_session_stream_release(cuvk_session* session, void* stream) {
    return order_with_frame(session, stream, false);
}

cuvk_status cuvk_session_end_frame(cuvk_session* session) {
    return guarded([&] {
        require(session, "session");
        if (!session->loop || !session->loop->in_frame())
            core::fail_usage("no frame was begun (cuvk_session_begin_frame)");
        session->loop->end_frame();
        session->drawn = true;
        fail_on_validation(*session);
    });
}

cuvk_status cuvk_session_record(cuvk_session* session, const char* path, double fps) {
    return guarded([&] {
        require(session, "session");
        if (!path) {
            if (session->loop)
                session->loop->finish(); // the frames drawn so far reach the recorder
            if (auto r = std::move(session->recorder))
                core::log_to_stderr(core::LogLevel::info, r->finish());
            return;
        }
        if (session->recorder)
            core::fail_usage("a recording is running: finish it first (cuvk_session_record(s, NULL, 0))");
        if (!(fps > 0.0 && fps <= 1000.0))
            core::fail_usage("the recording's rate " + std::to_string(fps) + " is outside (0, 1000] frames per second");
        session->recorder = engine::Recorder::start(path, session->extent, fps, core::log_to_stderr);
    });
}

cuvk_status cuvk_session_finish(cuvk_session* session) {
    return guarded([&] {
        require(session, "session");
        if (!session->loop)
            return; // nothing drawn yet
        if (session->loop->in_frame())
            core::fail_usage("end the frame begun before waiting for the session (cuvk_session_finish)");
        session->loop->finish();
        fail_on_validation(*session);
    });
}

cuvk_status cuvk_session_screenshot(cuvk_session* session, const char* png_path) {
    return guarded([&] {
        require(session, "session");
        require(png_path, "png_path");
        if (!session->drawn)
            core::fail_usage("no frame has been drawn yet: nothing to write to " + std::string(png_path));
        if (session->loop->in_frame())
            core::fail_usage("end the frame begun before taking a screenshot");
        session->loop->finish();
        render::write_png(png_path, render::read_image(*session->ctx, session->target->image()));
        fail_on_validation(*session);
    });
}

cuvk_status cuvk_viewer_run(const cuvk_viewer_info* info, uint64_t* frames_shown) {
    if (frames_shown)
        *frames_shown = 0;
    return guarded([&] {
        require(info, "info");
        if (info->struct_size < sizeof(cuvk_viewer_info))
            core::fail_usage("cuvk_viewer_info.struct_size is " + std::to_string(info->struct_size) +
                             ": set it to sizeof(cuvk_viewer_info)");
        if (!info->on_frame)
            core::fail_usage("on_frame is NULL");
        if (info->output_count < 1 || info->output_count > 8 || !info->outputs)
            core::fail_usage("a viewer shows 1 to 8 outputs, not " + std::to_string(info->output_count));
        if (info->param_count > 0 && !info->params)
            core::fail_usage("params is NULL");
        if (std::uint32_t(info->backend) > std::uint32_t(CUVK_BACKEND_CPU))
            core::fail_usage("unknown backend " + std::to_string(int(info->backend)));
        compute::SimulationDesc desc{.name = info->name && *info->name ? info->name : "cuvk",
                                     .description = "written through the C ABI",
                                     .has_cuda = true,
                                     .has_cpu = true};
        for (std::uint32_t i = 0; i < info->param_count; ++i) {
            const auto& p = info->params[i];
            desc.params.push_back(param_spec(p.name, p.value, p.min, p.max));
        }
        std::vector<compute::OutputSpec> outputs;
        for (std::uint32_t o = 0; o < info->output_count; ++o)
            outputs.push_back(output_spec(info->outputs[o]));
        std::atomic<bool> stop{false};
        // Each frame: the caller writes it (on the ring's stream or host memory) before step() returns.
        const auto on_step = [info, &stop](const ExternalSimulation& sim) {
            cuvk_frame frame;
            const bool host =
                !sim.views().empty() && (!sim.views().front().host_levels.empty() || sim.views().front().host_vertices);
            fill_frame(sim, host ? -1 : capi::current_cuda_device(), frame);
            if (info->on_frame(&frame, info->user) != 0)
                stop = true;
        };
        engine::Registry registry;
        registry.add([desc, outputs, on_step] { return std::make_unique<ExternalSimulation>(desc, outputs, on_step); });
        const engine::Backend backends[] = {engine::Backend::automatic, engine::Backend::interop,
                                            engine::Backend::staging, engine::Backend::cpu};
        engine::ViewerInfo v{.preset = {.panes = {{.sample = desc.name, .backend = backends[info->backend]}},
                                        .frames_in_flight = info->frames_in_flight ? info->frames_in_flight : 3},
                             .window = {info->width, info->height},
                             .headless = info->headless != 0,
                             .frames = info->frames,
                             .screenshot = info->screenshot ? info->screenshot : "",
                             .record = info->record ? info->record : "",
                             .device = info->device ? info->device : "",
                             .validation = info->validation != 0,
                             .hide_panel = info->hide_panel != 0,
                             .stop = &stop};
        const auto result = engine::run_viewer(registry, v);
        if (frames_shown)
            *frames_shown = result.frames;
    });
}

cuvk_status cuvk_stream_wait(void* waiter, void* after, int device) {
    return guarded([&] { capi::stream_wait(waiter, after, device, "cuvk_stream_wait"); });
}

cuvk_status cuvk_copy_rows(void* dst, uint64_t dst_pitch, const void* src, uint64_t src_pitch, uint64_t row_bytes,
                           uint64_t rows, void* stream, int device) {
    return guarded([&] {
        require(dst, "dst");
        require(src, "src");
        if (!capi::built_with_cuda())
            throw Unsupported("cuvk_copy_rows: cuvk was built without CUDA (copy host outputs with memcpy)");
        capi::copy_rows(dst, dst_pitch, src, src_pitch, row_bytes, rows, stream, device, "cuvk_copy_rows");
    });
}

} // extern "C"
