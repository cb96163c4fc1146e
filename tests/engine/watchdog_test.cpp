// The stress tool's watchdog: steady progress never fires it; a stall fires it once, after the timeout and not long
// before, with a report naming the last step, the step count and what the probe adds; it stops promptly.

#include "cuvk/core/error.hpp"
#include "cuvk/engine/watchdog.hpp"

#include <atomic>
#include <gtest/gtest.h>
#include <mutex>

using namespace cuvk;
using namespace std::chrono_literals;

TEST(Watchdog, SteadyProgressNeverFires) {
    std::atomic<int> fired{0};
    engine::Watchdog dog({.timeout = 100ms, .on_hang = [&](const std::string&) { ++fired; }});
    for (int i = 0; i < 30; ++i) {
        dog.progress("working");
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(fired.load(), 0);
    EXPECT_FALSE(dog.fired());
}

TEST(Watchdog, AStallFiresOnceWithTheLastStep) {
    std::mutex m;
    std::string report;
    std::atomic<int> fired{0};
    const auto start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::duration at{};
    {
        engine::Watchdog dog({.timeout = 100ms,
                              .probe = [] { return std::string("consumed=41 produced=42 seed=7"); },
                              .on_hang =
                                  [&](const std::string& r) {
                                      std::lock_guard lock(m);
                                      report = r;
                                      at = std::chrono::steady_clock::now() - start;
                                      ++fired;
                                  }});
        dog.progress("submit");
        dog.progress("wait for frame 12");
        // A stall: wait (bounded) until it fires, then several timeouts more, to see that it fires only once.
        for (int i = 0; i < 300 && !dog.fired(); ++i)
            std::this_thread::sleep_for(10ms);
        EXPECT_TRUE(dog.fired());
        std::this_thread::sleep_for(400ms);
        EXPECT_EQ(dog.steps(), 2u);
    }
    EXPECT_EQ(fired.load(), 1) << "once, however long the stall";
    EXPECT_GE(at, 100ms) << "not before the timeout";
    EXPECT_LT(at, 2s) << "soon after it (a loaded machine may add some delay)";
    EXPECT_NE(report.find("wait for frame 12"), std::string::npos) << report;
    EXPECT_NE(report.find("after 2 steps"), std::string::npos) << report;
    EXPECT_NE(report.find("consumed=41 produced=42 seed=7"), std::string::npos) << report;
}

TEST(Watchdog, StopsPromptlyAndRefusesAZeroTimeout) {
    const auto start = std::chrono::steady_clock::now();
    { engine::Watchdog dog({.timeout = 60s}); }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    EXPECT_THROW(engine::Watchdog({.timeout = 0ms}), core::Error);
}
