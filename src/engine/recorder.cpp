#include "cuvk/engine/recorder.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/core/text.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

extern char** environ;

namespace cuvk::engine {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kQueueFrames = 8; // ~ a quarter second at 30 fps; beyond it frames are dropped, never waited on
constexpr auto kFinishTimeout = std::chrono::seconds(30); // for the queue to drain, and again for ffmpeg to exit

bool write_all(int fd, const std::uint8_t* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        size -= std::size_t(n);
    }
    return true;
}

} // namespace

bool has_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (!path)
        return false;
    std::string_view rest(path);
    while (!rest.empty()) {
        const auto colon = rest.find(':');
        const std::string dir(rest.substr(0, colon));
        rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
        if (!dir.empty() && ::access((fs::path(dir) / name).c_str(), X_OK) == 0)
            return true;
    }
    return false;
}

std::unique_ptr<Recorder> Recorder::start(const std::string& path, core::Extent2D extent, double fps, core::LogFn log) {
    if (path.empty())
        core::fail_usage("--record needs a file name");
    if (extent.empty() || extent.width % 2 || extent.height % 2)
        core::fail("a recording needs an even, non-empty frame size, not " + core::to_string(extent), path);
    std::unique_ptr<Recorder> r(new Recorder);
    r->log_ = std::move(log);
    r->extent_ = extent;
    r->path_ = path;
    const fs::path p(path);
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        core::fail_usage("--record: the directory " + core::quote(dir.string()) + " does not exist");
    if (has_program("ffmpeg")) {
        // ffmpeg picks the container from the extension: keep it in the temporary name.
        r->temp_path_ = (dir / ("." + p.stem().string() + ".part" + p.extension().string())).string();
        r->destination_ = path;
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)
            core::fail_errno(errno, "pipe2", "starting ffmpeg", path);
        const std::string size = std::to_string(extent.width) + "x" + std::to_string(extent.height);
        const std::string rate = std::to_string(fps);
        std::vector<std::string> args = {"ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt",
                                         "rgba",   "-s",       size, "-r",        rate,    "-i", "pipe:0"};
        const std::string ext = p.extension().string();
        if (ext == ".mp4" || ext == ".mkv" || ext == ".mov")
            for (const char* a : {"-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p"})
                args.emplace_back(a);
        args.push_back(r->temp_path_);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
        // A process group of its own: a Ctrl-C meant for the viewer must not reach ffmpeg, which would end the
        // video early and exit with a failure status; the viewer finishes the recording itself.
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attr, 0);
        pid_t pid = -1;
        const int err = posix_spawnp(&pid, "ffmpeg", &actions, &attr, argv.data(), environ);
        posix_spawnattr_destroy(&attr);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[0]);
        if (err != 0) {
            ::close(fds[1]);
            core::fail_errno(err, "posix_spawnp(ffmpeg)", "starting ffmpeg", path);
        }
        r->pipe_fd_ = fds[1];
        r->ffmpeg_pid_ = pid;
    } else {
        r->destination_ = (dir / (p.stem().string() + "-frames")).string();
        fs::create_directories(r->destination_, ec);
        if (ec)
            core::fail("could not create " + core::quote(r->destination_) + ": " + ec.message(), path);
        if (r->log_)
            r->log_(core::LogLevel::warning,
                    "ffmpeg is not installed: recording a PNG sequence into " + core::quote(r->destination_));
    }
    r->thread_ = std::thread([raw = r.get()] { raw->writer(); });
    return r;
}

Recorder::~Recorder() {
    try {
        (void)finish();
    } catch (const std::exception& e) {
        if (log_)
            log_(core::LogLevel::error, std::string("recording: ") + e.what());
    }
}

bool Recorder::push(render::Pixels&& pixels) {
    std::lock_guard lock(mutex_);
    if (closing_ || pixels.extent != extent_ || queue_.size() >= kQueueFrames || !error_.empty()) {
        ++dropped_;
        return false;
    }
    queue_.push_back(std::move(pixels));
    ready_.notify_one();
    return true;
}

void Recorder::writer() {
    // A dead ffmpeg must make write() fail with EPIPE, not kill the process: SIGPIPE is directed at the writing
    // thread, so blocking it here is enough.
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
    std::uint64_t index = 0;
    struct Done { // tells finish() the writer has stopped, however it stops
        Recorder& r;
        ~Done() {
            std::lock_guard lock(r.mutex_);
            r.writer_done_ = true;
            r.drained_.notify_all();
        }
    } done{*this};
    for (;;) {
        render::Pixels frame;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [&] { return closing_ || !queue_.empty(); });
            if (queue_.empty())
                return;
            frame = std::move(queue_.front());
            queue_.pop_front();
        }
        std::string failure;
        if (pipe_fd_ >= 0) {
            if (!write_all(pipe_fd_, frame.bytes.data(), frame.bytes.size()))
                failure = std::string("writing a frame to ffmpeg failed: ") + std::strerror(errno);
        } else {
            char name[32];
            std::snprintf(name, sizeof name, "frame-%06llu.png", static_cast<unsigned long long>(index));
            try {
                render::write_png((fs::path(destination_) / name).string(), frame);
            } catch (const std::exception& e) {
                failure = e.what();
            }
        }
        std::lock_guard lock(mutex_);
        if (!failure.empty()) {
            if (error_.empty())
                error_ = failure;
            queue_.clear();
            return;
        }
        ++written_;
        ++index;
    }
}

std::string Recorder::finish() {
    {
        std::lock_guard lock(mutex_);
        if (finished_)
            return destination_;
        finished_ = true;
        closing_ = true;
        ready_.notify_one();
    }
    // Bounded: a writer stuck on a pipe that ffmpeg no longer reads is freed by ending ffmpeg (the write then fails).
    {
        std::unique_lock lock(mutex_);
        if (!drained_.wait_for(lock, kFinishTimeout, [&] { return writer_done_; }) && ffmpeg_pid_ > 0)
            ::kill(ffmpeg_pid_, SIGKILL);
    }
    if (thread_.joinable())
        thread_.join();
    std::string error = error_;
    if (pipe_fd_ >= 0) {
        ::close(pipe_fd_);
        pipe_fd_ = -1;
        const auto deadline = std::chrono::steady_clock::now() + kFinishTimeout;
        int status = 0;
        pid_t waited = 0;
        while ((waited = ::waitpid(ffmpeg_pid_, &status, WNOHANG)) == 0 || (waited < 0 && errno == EINTR)) {
            if (std::chrono::steady_clock::now() > deadline) {
                ::kill(ffmpeg_pid_, SIGKILL);
                while (::waitpid(ffmpeg_pid_, &status, 0) < 0 && errno == EINTR) {
                }
                error = "ffmpeg did not finish within " + std::to_string(kFinishTimeout.count()) + " s";
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        const bool ok = waited == ffmpeg_pid_ && WIFEXITED(status) && WEXITSTATUS(status) == 0;
        std::error_code ec;
        if (ok && error.empty() && written_ > 0) {
            fs::rename(temp_path_, path_, ec);
            if (ec)
                error = "could not rename the recording into place: " + ec.message();
        } else {
            if (error.empty())
                error = written_ == 0 ? "no frame was recorded"
                                      : "ffmpeg failed (exit status " +
                                            std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
        }
        if (!error.empty())
            fs::remove(temp_path_, ec);
    }
    if (!error.empty())
        core::fail("recording " + core::quote(path_) + ": " + error);
    return destination_;
}

std::uint64_t Recorder::written() const {
    std::lock_guard lock(mutex_);
    return written_;
}

std::uint64_t Recorder::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

} // namespace cuvk::engine
