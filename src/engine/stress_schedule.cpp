#include "cuvk/engine/stress_schedule.hpp"

#include "cuvk/core/error.hpp"

#include <algorithm>
#include <bit>
#include <sstream>

namespace cuvk::engine {
namespace {

// splitmix64: a fixed, portable sequence for a 64-bit seed.
class Draws {
public:
    explicit Draws(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [lo, hi], by rejection (no modulo bias), the same on every platform.
    std::uint32_t between(std::uint32_t lo, std::uint32_t hi) {
        const std::uint64_t span = std::uint64_t(hi) - lo + 1;
        const std::uint64_t limit = ~0ull - (~0ull % span);
        for (;;)
            if (const std::uint64_t v = next(); v < limit)
                return lo + std::uint32_t(v % span);
    }
    bool chance(std::uint32_t percent) { return between(1, 100) <= percent; }

private:
    std::uint64_t state_;
};

} // namespace

const char* to_string(StressProducer p) {
    switch (p) {
    case StressProducer::stream:
        return "stream";
    case StressProducer::graph:
        return "graph";
    case StressProducer::streams:
        return "streams";
    }
    return "?";
}

const char* to_string(StressConsumer c) {
    switch (c) {
    case StressConsumer::graphics:
        return "graphics";
    case StressConsumer::compute:
        return "compute";
    case StressConsumer::two_queues:
        return "two-queues";
    }
    return "?";
}

const char* to_string(HostPacing p) {
    switch (p) {
    case HostPacing::fence:
        return "fence";
    case HostPacing::cuda_event:
        return "cuda-event";
    case HostPacing::polling:
        return "polling";
    }
    return "?";
}

StressSchedule make_schedule(std::uint64_t seed, const StressLimits& limits) {
    if (!limits.binary && !limits.timeline)
        core::fail_usage("a stress schedule needs timeline or binary semaphores");
    if (limits.phases == 0 || limits.max_frames == 0 || limits.max_side < 16)
        core::fail_usage("a stress schedule needs at least one phase, one frame and sides of 16");
    Draws d(seed);
    StressSchedule s{.seed = seed};
    for (std::uint32_t i = 0; i < limits.phases; ++i) {
        StressPhase p;
        p.sync = limits.timeline && (!limits.binary || d.chance(60)) ? SyncMode::timeline : SyncMode::binary;
        p.frames_in_flight = d.between(1, 8);
        p.producer = StressProducer(d.between(0, 2));
        p.consumer = StressConsumer(d.between(0, 2));
        p.pacing = HostPacing(d.between(0, 2));
        p.wait_before_signal = p.sync == SyncMode::timeline && d.chance(30);
        p.fan_out = d.chance(25) ? d.between(2, 3) : 1;
        p.fan_in = d.chance(25) ? d.between(2, 3) : 1;
        p.image = d.chance(70);
        // Sides from 16 to max_side, odd sizes as likely as round ones: log-uniform, then any value near it.
        const auto side = [&] {
            const std::uint32_t bits = d.between(4, std::uint32_t(std::bit_width(limits.max_side)) - 1);
            return std::min(limits.max_side, d.between(1u << bits, (2u << bits) - 1));
        };
        p.extent = {side(), side()};
        p.frames = d.between(std::min(limits.max_frames, 8u), limits.max_frames);
        for (std::uint32_t f = 0; f < p.frames; ++f) {
            p.producer_delay_us.push_back(std::uint16_t(d.chance(10) ? d.between(1, limits.max_delay_us) : 0));
            p.consumer_delay_us.push_back(std::uint16_t(d.chance(10) ? d.between(1, limits.max_delay_us) : 0));
        }
        if (p.image) { // RGBA8 half the time (what the samples mostly share), else any other shared format
            const auto drawn = d.chance(50) ? core::StressFormat::rgba8 : core::StressFormat(d.between(1, 4));
            p.format = limits.all_formats ? drawn : core::StressFormat::rgba8; // drawn either way: same sequence
        }
        s.phases.push_back(std::move(p));
    }
    return s;
}

std::uint64_t StressSchedule::frames() const {
    std::uint64_t n = 0;
    for (const auto& p : phases)
        n += p.frames;
    return n;
}

std::string StressSchedule::describe() const {
    std::ostringstream out;
    out << "seed " << seed << ": " << phases.size() << " phases, " << frames() << " frames\n";
    for (std::size_t i = 0; i < phases.size(); ++i) {
        const StressPhase& p = phases[i];
        std::size_t delayed = 0;
        for (std::size_t f = 0; f < p.producer_delay_us.size(); ++f)
            delayed += (p.producer_delay_us[f] != 0) + (p.consumer_delay_us[f] != 0);
        out << "  phase " << i << ": " << to_string(p.sync) << " N=" << p.frames_in_flight << " producer "
            << to_string(p.producer) << " consumer " << to_string(p.consumer) << " pacing " << to_string(p.pacing)
            << (p.wait_before_signal ? " wait-before-signal" : "") << " fan-out " << p.fan_out << " fan-in " << p.fan_in
            << " " << (p.image ? std::string("image ") + to_string(p.format) + " " : std::string("buffer "))
            << core::to_string(p.extent) << " frames " << p.frames << " delays " << delayed << "\n";
    }
    return out.str();
}

} // namespace cuvk::engine
