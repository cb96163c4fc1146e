// live_kernel.hpp with CUDA: the simulation, its compile thread and the swap between frames.

#include "cuvk/compute/live_kernel.hpp"

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/device_memory.hpp"
#include "cuvk/compute/stream.hpp"
#include "kernel_module.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <stop_token>
#include <thread>

namespace cuvk::compute {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// When a file last changed, as far as polling can tell (time and size; a failed look is a stamp of its own).
struct Stamp {
    std::filesystem::file_time_type time{};
    std::uintmax_t size = 0;
    bool found = false;
    bool operator==(const Stamp&) const = default;
};

Stamp stamp_of(const std::filesystem::path& file) {
    std::error_code e1, e2;
    Stamp s{std::filesystem::last_write_time(file, e1), std::filesystem::file_size(file, e2), true};
    return e1 || e2 ? Stamp{} : s;
}

std::optional<std::string> read_text(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Why `next` cannot replace `running` while the ring runs; empty when it can.
std::string declarations_differ(const KernelSource& running, const KernelSource& next) {
    if (next.format != running.format)
        return std::string("the output changed from ") + to_string(running.format) + " to " + to_string(next.format);
    if (next.state_floats != running.state_floats)
        return "the @state changed";
    if (next.params.size() != running.params.size())
        return "the number of parameters changed";
    for (std::size_t i = 0; i < next.params.size(); ++i)
        if (next.params[i].name != running.params[i].name || next.params[i].integer != running.params[i].integer)
            return "parameter " + std::to_string(i + 1) + " changed (" + next.params[i].name + ")";
    return {};
}

std::string device_arch() {
    int device = 0, major = 0, minor = 0;
    CUVK_CUDA(cudaGetDevice(&device), "live kernel: the current device");
    CUVK_CUDA(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device), "live kernel: its arch");
    CUVK_CUDA(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device), "live kernel: its arch");
    return "sm_" + std::to_string(major) + std::to_string(minor);
}

class LiveKernelImpl final : public LiveKernel {
public:
    explicit LiveKernelImpl(LiveKernelInfo info) : info_(std::move(info)), file_name_(info_.file.filename().string()) {
        auto text = read_text(info_.file);
        if (!text)
            core::fail_usage("cannot read the kernel source " + info_.file.string());
        text_ = std::move(*text);
        stamp_ = stamp_of(info_.file);
        source_ = parse_kernel_source(text_, file_name_);
        desc_.name = info_.name.empty() ? "live-" + info_.file.stem().string() : info_.name;
        desc_.description = "live kernel " + file_name_ + " (" + source_.kernel + "), recompiled when it changes";
        desc_.params = source_.params;
        desc_.has_cuda = true;
    }

    const SimulationDesc& desc() const override { return desc_; }

    std::vector<OutputSpec> outputs(const SimulationInfo& info) const override {
        return {OutputSpec{.kind = OutputKind::image, .extent = info.extent, .format = source_.format}};
    }

    void start(const SimulationInfo& info, CudaStream stream) override {
        extent_ = info.extent;
        if (cubin_.empty()) { // the first start: compile here, so that a broken source stops the program with its lines
            if (info_.options.arch.empty())
                info_.options.arch = device_arch();
            CompileResult r = compile_kernel(source_, info_.options, file_name_);
            if (!r.ok) {
                std::string message = file_name_ + " does not compile:";
                for (const auto& e : r.errors)
                    message += "\n  " + file_name_ + ":" + std::to_string(e.line) + ": " + e.message;
                core::fail_usage(message);
            }
            cubin_ = std::move(r.cubin);
            std::lock_guard lock(mutex_);
            status_.generation = 1;
            status_.compile_ms = r.milliseconds;
            status_.message = "compiled " + file_name_ + " in " + std::to_string(int(r.milliseconds)) + " ms";
        }
        if (!module_) // the first start, or the first after a lost context: load the running kernel's CUBIN
            module_ = std::make_unique<KernelModule>(cubin_, source_.kernel, desc_.name);
        if (source_.state_floats) {
            const std::size_t bytes =
                std::size_t(extent_.width) * extent_.height * source_.state_floats * sizeof(float);
            for (auto& s : state_) {
                s = allocate_async(bytes, stream, desc_.name + ".state");
                CUVK_CUDA(cudaMemsetAsync(s.get(), 0, bytes, stream), desc_.name + ".state");
            }
        }
        if (!worker_.joinable())
            worker_ = std::jthread([this](std::stop_token stop) { compile_loop(stop); });
    }

    void step(FrameContext& frame) override {
        check_confirmed(); // first: the running kernel's last frame may make it the good one before it is replaced
        adopt_pending(frame);
        retire_finished();
        if (held_)
            return; // the blamed kernel stays off until a new one compiles; the slot keeps what it held
        const OutputView& out = frame.output(0);
        CUVK_ASSERT(!out.levels.empty(), "a live kernel writes an image through its surface");
        unsigned long long surface = out.levels[0].surface;
        int width = int(extent_.width), height = int(extent_.height);
        unsigned frame_number = unsigned(frame.frame.value);
        float time = float(frame.time);
        union Value {
            float f;
            int i;
        };
        std::vector<Value> values(source_.params.size());
        std::vector<void*> args{&surface, &width, &height, &frame_number, &time};
        void* state_in = state_[0].get();
        void* state_out = state_[1].get();
        if (source_.state_floats) {
            args.push_back(&state_in);
            args.push_back(&state_out);
        }
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (source_.params[i].integer)
                values[i].i = int(frame.params[i]);
            else
                values[i].f = frame.params[i];
            args.push_back(&values[i]);
        }
        const unsigned gx = (extent_.width + source_.block_x - 1) / source_.block_x;
        const unsigned gy = (extent_.height + source_.block_y - 1) / source_.block_y;
        // Paused (no steps): one launch from the current state whose next state is dropped (not swapped in), so the
        // slot shows the current state again, as the Simulation contract asks of a frame without steps.
        const std::uint32_t launches = std::max(frame.steps, 1u);
        for (std::uint32_t s = 0; s < launches; ++s) {
            module_->launch(gx, gy, source_.block_x, source_.block_y, args.data(), frame.stream);
            if (source_.state_floats && frame.steps > 0) {
                std::swap(state_[0], state_[1]);
                std::swap(state_in, state_out);
            }
        }
        if (!confirmed_ && !candidate_) {
            if (!confirm_)
                confirm_ = create_event(desc_.name + ".confirm");
            CUVK_CUDA(cudaEventRecord(confirm_.get(), frame.stream), desc_.name + ".confirm");
            std::lock_guard lock(mutex_);
            candidate_ = Good{cubin_, source_, text_, status_.generation, running_id_};
        }
    }

    void stop() override {
        for (auto& s : state_)
            s.reset();
    }

    // The context is gone: every module and event of it is dropped (the CUBINs stay, and start() loads one again).
    // The running kernel is blamed unless it is known good (it finished a frame) and this is its first fault; a known
    // good kernel can be innocent (another pane's kernel may have faulted), but one that faults twice is not. Blamed,
    // it gives way to the last good kernel, or is held when it is that kernel or there is none.
    void on_cuda_lost(const std::string& error) override {
        confirm_.reset();
        retired_.clear();
        module_.reset();
        ++faults_of_running_;
        std::lock_guard lock(mutex_);
        candidate_.reset();
        ++status_.faults;
        const std::string what =
            "the context faulted (" + error + ") while generation " + std::to_string(status_.generation) + " ran";
        const bool known_good = confirmed_ || (good_ && good_->id == running_id_);
        if (known_good && faults_of_running_ < 2) {
            status_.fault = what + "; it had finished frames, so it runs again";
        } else if (good_ && good_->id != running_id_) {
            status_.fault = what + (known_good ? ", its second fault" : ", before it finished a frame") +
                            ": back to the last good kernel (generation " + std::to_string(good_->generation) +
                            "), as generation " + std::to_string(status_.generation + 1);
            cubin_ = good_->cubin;
            source_ = good_->source;
            text_ = good_->text;
            running_id_ = good_->id;
            faults_of_running_ = 0;
            ++status_.generation; // a swap, although to an earlier kernel: the editor shows its source again
        } else {
            status_.fault = what + (known_good ? ", its second fault," : "") +
                            " and no other kernel is known good: nothing runs until a new one compiles";
            held_ = true;
        }
        status_.held = held_;
        status_.message = status_.fault;
        confirmed_ = false; // to be shown again in the new context
    }

    void submit_source(std::string text) override {
        {
            std::lock_guard lock(mutex_);
            submitted_ = std::move(text);
        }
        wake_.notify_all();
    }

    std::string source_text() const override {
        std::lock_guard lock(mutex_);
        return text_;
    }

    LiveKernelStatus status() const override {
        std::lock_guard lock(mutex_);
        return status_;
    }

private:
    struct Pending {
        std::vector<char> cubin;
        KernelSource source;
        std::string text;
        Clock::time_point seen;
    };
    struct Good {
        std::vector<char> cubin;
        KernelSource source;
        std::string text;
        std::uint64_t generation = 0;
        std::uint64_t id = 0; // running_id_ of that kernel
    };
    struct Retired {
        std::unique_ptr<KernelModule> module;
        UniqueEvent after_last_launch;
    };

    // The compile thread: waits for a submitted source or a change of the file, compiles it, leaves the result for
    // the next step() (or the errors in the status). Never touches the GPU.
    void compile_loop(std::stop_token stop) {
        std::unique_lock lock(mutex_);
        while (!stop.stop_requested()) {
            wake_.wait_for(lock, stop, std::chrono::milliseconds(info_.poll_ms),
                           [&] { return submitted_.has_value(); });
            if (stop.stop_requested())
                return;
            std::optional<std::string> text;
            std::string name;
            const auto seen = Clock::now();
            if (submitted_) {
                text = std::exchange(submitted_, std::nullopt);
                name = "<editor>";
            } else if (info_.watch) {
                const Stamp now = stamp_of(info_.file);
                if (now == stamp_ || !now.found)
                    continue;
                stamp_ = now;
                text = read_text(info_.file);
                name = file_name_;
                if (!text)
                    continue; // gone for a moment (an editor replacing it): the next look sees it again
            }
            if (!text)
                continue;
            status_.compiling = true;
            const KernelSource running = source_;
            lock.unlock();
            compile_one(std::move(*text), name, seen, running);
            lock.lock();
            status_.compiling = false;
            ++status_.compiles;
        }
    }

    void compile_one(std::string text, const std::string& name, Clock::time_point seen, const KernelSource& running) {
        auto report = [&](std::vector<CompileError> errors, std::string message, double ms) {
            std::lock_guard lock(mutex_);
            status_.failed_source = errors.empty() ? std::string() : text;
            status_.errors = std::move(errors);
            status_.message = std::move(message);
            status_.compile_ms = ms;
        };
        std::vector<CompileError> problems;
        KernelSource parsed = parse_kernel_source(text, problems);
        if (!problems.empty()) {
            const std::string first = name + ":" + std::to_string(problems[0].line) + ": " + problems[0].message;
            return report(std::move(problems), first, 0.0);
        }
        if (auto why = declarations_differ(running, parsed); !why.empty())
            return report({{0, why}}, name + ": " + why + ": restart with it to apply (the last kernel runs on)", 0.0);
        try {
            CompileResult r = compile_kernel(parsed, info_.options, name);
            if (!r.ok) {
                const std::string first = r.errors.empty()
                                              ? std::string("does not compile")
                                              : std::to_string(r.errors[0].line) + ": " + r.errors[0].message;
                return report(std::move(r.errors), name + ":" + first, r.milliseconds);
            }
            report({}, "compiled " + name + " in " + std::to_string(int(r.milliseconds)) + " ms", r.milliseconds);
            std::lock_guard lock(mutex_);
            pending_ = Pending{std::move(r.cubin), std::move(parsed), std::move(text), seen};
        } catch (const std::exception& e) {
            report({{0, e.what()}}, e.what(), 0.0);
        }
    }

    // On the frame thread, between frames: the newest compiled kernel replaces the running one. The old one is kept
    // until the stream has passed its last launch (an event), since unloading it earlier would pull code from under it.
    void adopt_pending(const FrameContext& frame) {
        std::optional<Pending> next;
        {
            std::lock_guard lock(mutex_);
            next = std::exchange(pending_, std::nullopt);
        }
        if (!next)
            return;
        std::unique_ptr<KernelModule> module;
        UniqueEvent after_last_launch; // of the kernel being replaced
        try {
            module = std::make_unique<KernelModule>(next->cubin, next->source.kernel, desc_.name);
            if (module_) {
                after_last_launch = create_event(desc_.name + ".retired");
                CUVK_CUDA(cudaEventRecord(after_last_launch.get(), frame.stream), desc_.name + ".retired");
            }
        } catch (const core::Error& e) {
            if (module || !context_fault(frame.stream).empty()) {
                // Not the new kernel's doing (a context lost meanwhile, or the old kernel's event): it stays pending
                // (unless a newer one came) for the next frame or the recovered context; the error goes to the owner.
                std::lock_guard lock(mutex_);
                if (!pending_)
                    pending_ = std::move(next);
                throw;
            }
            std::lock_guard lock(mutex_);
            status_.errors = {{0, e.message()}};
            status_.message = "the new kernel did not load: " + e.message() + " (the last kernel runs on)";
            return;
        }
        if (module_)
            retired_.push_back({std::move(module_), std::move(after_last_launch)});
        module_ = std::move(module);
        cubin_ = std::move(next->cubin);
        running_id_ = ++last_id_;
        faults_of_running_ = 0;
        confirmed_ = false;
        held_ = false;
        std::lock_guard lock(mutex_);
        status_.held = false;
        source_ = std::move(next->source);
        text_ = std::move(next->text);
        ++status_.generation;
        status_.reload_ms = ms_since(next->seen);
        status_.swapped_at_frame = frame.frame.value;
    }

    // A kernel is known good once the event after its first frame's launches has passed: it becomes the one a fault
    // falls back to. A sticky error here throws, for the ring's owner to recover.
    void check_confirmed() {
        if (!candidate_)
            return;
        const cudaError_t done = cudaEventQuery(confirm_.get());
        if (done == cudaErrorNotReady)
            return;
        CUVK_CUDA(done, desc_.name + ".confirm");
        std::lock_guard lock(mutex_);
        good_ = std::exchange(candidate_, std::nullopt);
        confirmed_ = good_->id == running_id_; // the candidate may be a kernel replaced since
    }

    void retire_finished() {
        while (!retired_.empty()) {
            const cudaError_t done = cudaEventQuery(retired_.front().after_last_launch.get());
            if (done == cudaErrorNotReady)
                return;
            CUVK_CUDA(done, desc_.name + ".retired");
            retired_.pop_front();
        }
    }

    // Members in creation order; the compile thread (last) stops first.
    LiveKernelInfo info_;
    std::string file_name_;
    SimulationDesc desc_;
    core::Extent2D extent_;
    std::vector<char> cubin_;                    // the running kernel's, kept to load it again after a lost context
    std::uint64_t running_id_ = 1, last_id_ = 1; // each compiled kernel's number (a revert runs an earlier one)
    std::unique_ptr<KernelModule> module_;
    std::deque<Retired> retired_;
    DeviceMemory state_[2];
    UniqueEvent confirm_;                 // recorded after the launches of a kernel's first frame (candidate_)
    bool confirmed_ = false;              // a frame of the running kernel finished since it was (re)started
    std::uint32_t faults_of_running_ = 0; // contexts lost while the running kernel ran
    bool held_ = false;                   // blamed with nothing good to fall back to: no launches

    mutable std::mutex mutex_; // guards what follows
    std::condition_variable_any wake_;
    KernelSource source_; // the running kernel's (written by the frame thread, read by the compile thread)
    std::string text_;
    Stamp stamp_;
    std::optional<std::string> submitted_;
    std::optional<Pending> pending_;
    std::optional<Good> good_;      // the last kernel known good (written by the frame thread)
    std::optional<Good> candidate_; // the kernel confirm_ was recorded after, until the event passes
    LiveKernelStatus status_;

    std::jthread worker_;
};

} // namespace

std::unique_ptr<LiveKernel> make_live_kernel(const LiveKernelInfo& info) {
    return std::make_unique<LiveKernelImpl>(info);
}

} // namespace cuvk::compute
