#pragma once
// cuvk::render::FrameVerifier — checks on the GPU that an image or buffer holds exactly the frame it should, with no
// readback per frame (cuvk-stress; DESIGN.md: every frame verified, nothing crosses PCIe).
//
// The producer writes core::stress_texel(format, frame, x, y) into every texel of an image (RGBA8, BGRA8, RGBA16F,
// RGBA32F or R32F; BGRA8 needs shaderStorageImageReadWithoutFormat) or core::stress_pattern into every word of a
// buffer (`width` words per row). record_check() adds two compute dispatches to a command buffer: the first
// sorts every texel into good (the expected frame), old (one of the `window` frames before it) or corrupt, the
// second turns the counts into the frame's verdict — verified, stale (all old), torn (good and old mixed) or corrupt
// — and adds it to running totals, which totals() reads once the GPU has finished.
// Owns: pipelines, layouts, the descriptor pool, the counts buffer (host-visible, coherent). Frames checked by one
// verifier must be recorded on one queue (their dispatches are ordered by barriers). Throws core::Error.

#include "cuvk/render/buffer.hpp"
#include "cuvk/render/context.hpp"
#include "cuvk/render/handles.hpp"
#include "cuvk/render/image.hpp"

#include <cstdint>
#include <string>

namespace cuvk::render {

struct FrameVerifierInfo {
    std::uint32_t max_bindings = 64; // images and buffers bind() may register
    std::uint32_t window = 8;        // earlier frames recognised as stale (1..16): at least the frames in flight
    std::string name = "verifier";
};

struct VerifyTotals {
    std::uint64_t verified = 0, torn = 0, stale = 0, corrupt = 0;
    std::uint64_t checked() const noexcept { return verified + torn + stale + corrupt; }
    bool clean() const noexcept { return checked() == verified; }
    VerifyTotals& operator+=(const VerifyTotals& o) noexcept {
        verified += o.verified, torn += o.torn, stale += o.stale, corrupt += o.corrupt;
        return *this;
    }
};

class FrameVerifier {
public:
    FrameVerifier() = default;
    static FrameVerifier create(const Context& ctx, const FrameVerifierInfo& info);

    // Registers an image of a format can_check() accepts (STORAGE usage) or a buffer (STORAGE_BUFFER usage) of width x
    // height words. Throws naming what is missing for another format.
    VkDescriptorSet bind(const Image& image);
    bool can_check(VkFormat format) const noexcept;
    VkDescriptorSet bind(VkBuffer buffer, core::Extent2D words);
    // Records the check that `binding` holds `frame`. The image must be in GENERAL layout and its writes visible to
    // the compute stage (the caller's barrier), as must the buffer's.
    void record_check(VkCommandBuffer cmd, VkDescriptorSet binding, std::uint32_t frame) const;
    // A consumer-side delay before a check (cuvk-stress): one dispatch busy for about `microseconds` on a Hopper GPU
    // (a fixed number of dependent steps; other devices run faster or slower). Same queue rule as record_check.
    void record_delay(VkCommandBuffer cmd, VkDescriptorSet binding, std::uint32_t microseconds) const;
    // The totals so far; the GPU must have finished every recorded check.
    VerifyTotals totals() const;

private:
    VkDescriptorSet make_set(std::uint32_t binding, const VkDescriptorImageInfo* image,
                             const VkDescriptorBufferInfo* buffer);
    struct Bound {
        VkDescriptorSet set = VK_NULL_HANDLE;
        core::Extent2D extent;
        int format = -1; // image pipeline index; -1 = a buffer
    };
    const Context* ctx_ = nullptr;
    FrameVerifierInfo info_;
    // Creation order, destroyed in reverse.
    UniqueDescriptorSetLayout set_layout_;
    UniquePipelineLayout layout_;
    UniquePipeline image_pipelines_[5]; // per core::StressFormat
    UniquePipeline buffer_pipeline_, tally_pipeline_, delay_pipeline_;
    Buffer counts_;
    UniqueDescriptorPool pool_;
    std::vector<Bound> bound_;
};

} // namespace cuvk::render
