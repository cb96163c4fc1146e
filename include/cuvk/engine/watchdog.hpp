#pragma once
// cuvk::engine::Watchdog — makes a hang loud (cuvk-stress: "a hang is never silent"). The thread that does the work
// calls progress() with the step it enters; a thread of the watchdog's own checks a few times per timeout, and when
// no progress has been reported for `timeout` it calls `on_hang` once with a report: the last step, how long ago, the
// number of steps so far and whatever `probe` adds (the semaphores' last values, the seed). The app decides what
// follows (cuvk-stress prints the report and exits 3); the library never exits.
// Owns the watchdog thread, joined (promptly) by the destructor. progress() is cheap (an atomic increment and, when
// the step's text changes, a short lock).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace cuvk::engine {

struct WatchdogInfo {
    std::chrono::milliseconds timeout{60'000};
    // Called on the watchdog's thread when a hang is found: must be safe to call from there.
    std::function<std::string()> probe;
    // Called once, on the watchdog's thread, with the report.
    std::function<void(const std::string& report)> on_hang;
};

class Watchdog {
public:
    explicit Watchdog(WatchdogInfo info);
    ~Watchdog();
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    // The working thread enters `step` (a literal or a stable string: kept by pointer until the next call).
    void progress(const char* step);
    bool fired() const noexcept { return fired_.load(); }
    std::uint64_t steps() const noexcept { return steps_.load(); }

private:
    void watch();

    WatchdogInfo info_;
    std::atomic<std::uint64_t> steps_{0};
    std::atomic<const char*> step_{"start"};
    std::atomic<bool> fired_{false};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_; // last: started once everything it reads exists
};

} // namespace cuvk::engine
