#pragma once
// GPU timestamps around recorded work: two queries per slot, read back after the slot's work has completed.
// Disabled (reads nothing) on a queue family without timestamp support.

#include "cuvk/render/context.hpp"
#include "cuvk/render/handles.hpp"

#include <optional>

namespace cuvk::render {

struct QueryPoolDeleter {
    VkDevice device = VK_NULL_HANDLE;
    void operator()(VkQueryPool pool) const noexcept { vkDestroyQueryPool(device, pool, nullptr); }
};
using UniqueQueryPool = core::Unique<VkQueryPool, QueryPoolDeleter>;

class Timestamps {
public:
    Timestamps() = default;
    static Timestamps create(const Context& ctx, std::uint32_t slots, const std::string& name);

    bool enabled() const noexcept { return bool(pool_); }
    // Resets the slot's queries and writes the first timestamp (after all earlier work of the submission).
    void record_begin(VkCommandBuffer cmd, std::uint32_t slot) const;
    void record_end(VkCommandBuffer cmd, std::uint32_t slot) const;
    // Milliseconds between the slot's two timestamps; call only once the slot's work completed.
    std::optional<double> read_ms(std::uint32_t slot) const;

private:
    const Context* ctx_ = nullptr;
    UniqueQueryPool pool_;
    double period_ns_ = 1.0;
    std::uint64_t mask_ = ~0ull;
};

} // namespace cuvk::render
