#pragma once
// cuvk::engine::Recorder (library cuvk::viewer) — records frames without stalling the frame loop: push() hands a
// frame (already read back, RGBA8) to a writer thread through a bounded queue and returns at once; a full queue drops
// the frame and counts it. The writer pipes raw frames to ffmpeg (H.264 in MP4, or whatever the file's extension
// names) when ffmpeg is on PATH, else writes a PNG sequence into a directory beside the file. The video is written
// under a temporary name and renamed into place by finish() only when ffmpeg succeeded, so a failed or interrupted
// recording leaves no half-written file. Owns: the thread, the pipe and the ffmpeg child (in a process group of its
// own, so a Ctrl-C reaches only the viewer, which then finishes the video). finish() waits at most 30 s for the queue
// and 30 s for ffmpeg, then ends it. Throws core::Error from start() (bad path, ffmpeg would not start) and finish()
// (ffmpeg failed: its exit status; it did not finish in time; a frame could not be written).

#include "cuvk/core/log.hpp"
#include "cuvk/render/readback.hpp"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace cuvk::engine {

class Recorder {
public:
    // `path`: the video (.mp4, .mkv, .webm, .gif, ...); frames of `extent` at `fps`.
    static std::unique_ptr<Recorder> start(const std::string& path, core::Extent2D extent, double fps, core::LogFn log);
    ~Recorder(); // finishes quietly (errors are logged) when finish() was not called
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    // Queues a frame; false when the queue is full or the size differs (the frame is dropped and counted).
    bool push(render::Pixels&& pixels);
    // Writes what is queued, closes the video and returns what was written (path and counts). Idempotent.
    std::string finish();

    core::Extent2D extent() const noexcept { return extent_; }
    std::uint64_t written() const;
    std::uint64_t dropped() const;
    // The file (or directory of PNG frames) being written, and how.
    const std::string& destination() const noexcept { return destination_; }

private:
    Recorder() = default;
    void writer();

    core::LogFn log_;
    core::Extent2D extent_;
    std::string path_, temp_path_, destination_;
    int pipe_fd_ = -1;
    int ffmpeg_pid_ = -1;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::condition_variable drained_; // the writer has stopped
    bool writer_done_ = false;
    std::deque<render::Pixels> queue_;
    bool closing_ = false;
    bool finished_ = false;
    std::string error_; // the writer's first failure
    std::uint64_t written_ = 0, dropped_ = 0;
    std::thread thread_; // last: started after everything it uses
};

// True when an executable `name` is on PATH.
bool has_program(const std::string& name);

} // namespace cuvk::engine
