#pragma once
// GPU timestamps around recorded work: two queries per slot, read back after the slot's work has completed.
// Disabled (reads nothing) on a queue family without timestamp support. Where the device offers
// VK_EXT_calibrated_timestamps with the device and CLOCK_MONOTONIC domains, the end of a slot's work can also be read
// on the host's monotonic clock (host_monotonic_ns()), so that a frame's latency is measured from when the host began
// it to when the GPU finished it, on one clock.

#include "cuvk/render/context.hpp"
#include "cuvk/render/handles.hpp"

#include <limits>
#include <optional>

namespace cuvk::render {

struct QueryPoolDeleter {
    VkDevice device = VK_NULL_HANDLE;
    void operator()(VkQueryPool pool) const noexcept { vkDestroyQueryPool(device, pool, nullptr); }
};
using UniqueQueryPool = core::Unique<VkQueryPool, QueryPoolDeleter>;

// Where Timestamps::record_begin resets a slot's queries.
enum class QueryReset {
    in_commands,          // vkCmdResetQueryPool in the command buffer (it may be submitted many times)
    on_host_if_supported, // vkResetQueryPool now, where hostQueryReset is enabled; else in the command buffer
};

class Timestamps {
public:
    Timestamps() = default;
    static Timestamps create(const Context& ctx, std::uint32_t slots, const std::string& name);

    bool enabled() const noexcept { return bool(pool_); }
    // Resets the slot's queries and writes the first timestamp (after all earlier work of the submission). The reset
    // is a command in `cmd` by default, so that `cmd` may be submitted again and again.
    // QueryReset::on_host_if_supported resets them here, from the host, where the context supports it (saving the GPU
    // the reset command, ~3 µs per frame on the H200): `cmd` is then submitted once, and the slot's earlier timestamps
    // must have been written (their submission completed) and read before this call.
    void record_begin(VkCommandBuffer cmd, std::uint32_t slot, QueryReset reset = QueryReset::in_commands) const;
    void record_end(VkCommandBuffer cmd, std::uint32_t slot) const;
    // Milliseconds between the slot's two timestamps; call only once the slot's work completed.
    std::optional<double> read_ms(std::uint32_t slot) const;
    // When the slot's work ended, on host_monotonic_ns()'s clock (both clocks sampled together at most every 100 ms);
    // call only once the slot's work completed. Empty without calibrated timestamps.
    std::optional<std::int64_t> end_host_ns(std::uint32_t slot) const;
    // The same for the first timestamp (where the slot's work began, after the submission's semaphore waits).
    std::optional<std::int64_t> begin_host_ns(std::uint32_t slot) const;
    bool calibrated() const noexcept { return calibrate_ != nullptr; }

private:
    std::optional<std::int64_t> host_ns(std::uint32_t query) const;

    const Context* ctx_ = nullptr;
    UniqueQueryPool pool_;
    double period_ns_ = 1.0;
    std::uint64_t mask_ = ~0ull;
    PFN_vkGetCalibratedTimestampsEXT calibrate_ = nullptr;
    // The last calibration: the device counter and CLOCK_MONOTONIC sampled together (end_host_ns() refreshes it).
    mutable std::uint64_t calibrated_device_ = 0;
    mutable std::int64_t calibrated_host_ns_ = std::numeric_limits<std::int64_t>::min() / 2;
};

// CLOCK_MONOTONIC in nanoseconds: the host clock end_host_ns() maps to.
std::int64_t host_monotonic_ns();

} // namespace cuvk::render
