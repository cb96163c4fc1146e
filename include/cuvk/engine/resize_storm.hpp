#pragma once
// cuvk::engine::run_resize_storm — lifecycle churn of a running ring (cuvk-stress): one FrameRing of a built-in sample
// draws frames into an offscreen target and is resized to a new random size every few frames, so that its shared
// slots (Vulkan images exported to CUDA, with the interop backend) are destroyed and re-created again and again while
// frames keep coming. Open fds, resident memory, CUDA memory and Vulkan heap usage are counted after a warm-up and at
// the end (interop::count_resources) and must be flat.
// Needs: the context (and the CUDA device for the interop backend) outlive the call. Throws core::Error.

#include "cuvk/engine/backend.hpp"
#include "cuvk/interop/churn.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace cuvk::engine {

struct ResizeStormInfo {
    Backend backend = Backend::cpu; // interop where CUDA pairs, else cpu
    std::string sample = "gray-scott";
    std::uint32_t resizes = 200;
    std::uint32_t frames_per_size = 4;
    std::uint64_t seed = 1; // the sizes drawn
    std::function<bool()> stop;
    std::function<void(const char* step)> progress;
};

struct ResizeStormReport {
    std::string backend;
    std::uint32_t resizes = 0;
    std::uint64_t frames = 0;
    interop::ResourceCounts before, after;
    std::int64_t leaked_fds() const { return after.fds - before.fds; }
    std::int64_t leaked_bytes() const { return interop::grown_bytes(before, after); }
    std::string describe() const;
};

ResizeStormReport run_resize_storm(const render::Context& ctx, const interop::CudaDevice* cuda,
                                   const ResizeStormInfo& info);

} // namespace cuvk::engine
