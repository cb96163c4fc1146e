#include "cuvk/engine/watchdog.hpp"

#include "cuvk/core/error.hpp"

namespace cuvk::engine {

Watchdog::Watchdog(WatchdogInfo info) : info_(std::move(info)) {
    if (info_.timeout <= std::chrono::milliseconds(0))
        core::fail_usage("the hang timeout must be positive");
    thread_ = std::thread([this] { watch(); });
}

Watchdog::~Watchdog() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void Watchdog::progress(const char* step) {
    step_.store(step, std::memory_order_relaxed);
    steps_.fetch_add(1, std::memory_order_release);
}

void Watchdog::watch() {
    using Clock = std::chrono::steady_clock;
    std::uint64_t seen = steps_.load(std::memory_order_acquire);
    auto since = Clock::now();
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, info_.timeout / 4);
        if (stopping_ || fired_.load())
            continue;
        const std::uint64_t now_steps = steps_.load(std::memory_order_acquire);
        const auto now = Clock::now();
        if (now_steps != seen) {
            seen = now_steps;
            since = now;
            continue;
        }
        if (now - since < info_.timeout)
            continue;
        fired_.store(true);
        const auto stalled = std::chrono::duration_cast<std::chrono::milliseconds>(now - since);
        std::string report = "no progress for " + std::to_string(stalled.count()) + " ms in step \"" +
                             step_.load(std::memory_order_relaxed) + "\" after " + std::to_string(seen) + " steps";
        lock.unlock(); // the callbacks may take time; the destructor must still be able to stop us
        if (info_.probe)
            report += "; " + info_.probe();
        if (info_.on_hang)
            info_.on_hang(report);
        lock.lock();
    }
}

} // namespace cuvk::engine
