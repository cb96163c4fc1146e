// The stress tool's frame verifier on lavapipe: images and buffers written with core::stress_pattern are verified,
// an older frame is stale, a hand-made mix of two frames is torn, a foreign word is corrupt — so the checker that
// the GPU stress runs trust is shown to fail where it must. The shader's pattern equals the C++ one (a verified
// frame needs every texel to match).

#include "cuvk/core/stress_pattern.hpp"
#include "cuvk/render/commands.hpp"
#include "cuvk/render/frame_verifier.hpp"
#include "support/vk_fixture.hpp"

#include <cstring>
#include <gtest/gtest.h>

using namespace cuvk;

namespace {

constexpr core::Extent2D kExtent{61, 37}; // not a multiple of the workgroup

// Words of `frame` for every texel; rows below `split` (if any) hold `other` instead.
std::vector<std::uint32_t> words(std::uint32_t frame, std::uint32_t split = ~0u, std::uint32_t other = 0) {
    std::vector<std::uint32_t> w;
    for (std::uint32_t y = 0; y < kExtent.height; ++y)
        for (std::uint32_t x = 0; x < kExtent.width; ++x)
            w.push_back(core::stress_pattern(y >= split ? other : frame, x, y));
    return w;
}

// Copies `words` into `image` through `staging` (UNDEFINED -> GENERAL, visible to compute) and records the verifier's
// check of `frame` after it, then waits.
void upload_and_check(const render::Context& ctx, const render::Image& image, const render::Buffer& staging,
                      const std::vector<std::uint32_t>& words, const render::FrameVerifier& verifier,
                      VkDescriptorSet set, std::uint32_t frame) {
    std::memcpy(staging.mapped().data(), words.data(), words.size() * 4);
    render::submit_and_wait(
        ctx,
        [&](VkCommandBuffer cmd) {
            render::record_barrier(cmd, {.image = image.get(),
                                         .src_stage = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                                         .src_access = VK_ACCESS_2_MEMORY_READ_BIT,
                                         .dst_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                         .dst_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                         .old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
                                         .new_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL});
            const VkBufferImageCopy region{.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
                                           .imageExtent = {kExtent.width, kExtent.height, 1}};
            vkCmdCopyBufferToImage(cmd, staging.get(), image.get(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
            render::record_barrier(cmd, {.image = image.get(),
                                         .src_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                         .src_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                         .dst_stage = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                         .dst_access = VK_ACCESS_2_SHADER_STORAGE_READ_BIT,
                                         .old_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                                         .new_layout = VK_IMAGE_LAYOUT_GENERAL});
            verifier.record_check(cmd, set, frame);
        },
        "verify.image");
}

} // namespace

class FrameVerifierTest : public test::VulkanTest {
protected:
    void SetUp() override {
        VulkanTest::SetUp();
        image_ = render::Image::create(ctx(), {.extent = kExtent,
                                               .usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                                               .name = "verify.image"});
        staging_ = render::Buffer::create(
            ctx(), {.size = kExtent.pixels() * 4,
                    .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                    .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                    .name = "verify.words"});
        verifier_ = render::FrameVerifier::create(ctx(), {.window = 4});
        image_set_ = verifier_.bind(image_);
        buffer_set_ = verifier_.bind(staging_.get(), kExtent);
    }

    // Uploads `w` into the image and checks it against `frame`.
    void check_image(const std::vector<std::uint32_t>& w, std::uint32_t frame) {
        upload_and_check(ctx(), image_, staging_, w, verifier_, image_set_, frame);
    }

    void check_buffer(const std::vector<std::uint32_t>& w, std::uint32_t frame) {
        std::memcpy(staging_.mapped().data(), w.data(), w.size() * 4);
        render::submit_and_wait(
            ctx(), [&](VkCommandBuffer cmd) { verifier_.record_check(cmd, buffer_set_, frame); }, "verify.buffer");
    }

    render::Image image_;
    render::Buffer staging_;
    render::FrameVerifier verifier_;
    VkDescriptorSet image_set_ = VK_NULL_HANDLE, buffer_set_ = VK_NULL_HANDLE;
};

TEST_F(FrameVerifierTest, TheExpectedFrameIsVerified) {
    check_image(words(7), 7);
    check_buffer(words(9), 9);
    const auto t = verifier_.totals();
    EXPECT_EQ(t.verified, 2u);
    EXPECT_TRUE(t.clean());
}

TEST_F(FrameVerifierTest, AnOlderFrameIsStale) {
    check_image(words(5), 7);  // two frames old: within the window of 4
    check_buffer(words(8), 9); // one frame old
    const auto t = verifier_.totals();
    EXPECT_EQ(t.stale, 2u);
    EXPECT_EQ(t.verified, 0u);
    EXPECT_FALSE(t.clean());
}

TEST_F(FrameVerifierTest, AHandMadeMixOfTwoFramesIsTorn) {
    check_image(words(7, kExtent.height / 2, 6), 7);  // the bottom half still holds frame 6
    check_buffer(words(9, kExtent.height - 1, 8), 9); // one row of the previous frame
    const auto t = verifier_.totals();
    EXPECT_EQ(t.torn, 2u);
    EXPECT_EQ(t.verified + t.stale + t.corrupt, 0u);
}

TEST_F(FrameVerifierTest, AForeignWordOrAFrameBeyondTheWindowIsCorrupt) {
    auto w = words(7);
    w[kExtent.width * 3 + 5] ^= 1u; // one bit of one texel
    check_image(w, 7);
    check_buffer(words(2), 9); // seven frames old: beyond the window of 4
    const auto t = verifier_.totals();
    EXPECT_EQ(t.corrupt, 2u);
    // Totals accumulate and the per-frame counts start over: a good frame after them is verified.
    check_image(words(11), 11);
    EXPECT_EQ(verifier_.totals().verified, 1u);
}

// Every shared format: texels written as core::stress_texel says (the bits a CUDA producer writes) are verified; an
// older frame is stale, a mix torn, one flipped bit corrupt. BGRA8 needs reading without a format qualifier; a device
// without it is refused by bind() with the reason.
std::string format_name(const ::testing::TestParamInfo<core::StressFormat>& info) {
    return core::to_string(info.param);
}

class FrameVerifierFormatTest : public test::VulkanTest, public ::testing::WithParamInterface<core::StressFormat> {};

TEST_P(FrameVerifierFormatTest, EveryVerdictForThisFormat) {
    const core::StressFormat format = GetParam();
    const VkFormat vk_formats[] = {VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R16G16B16A16_SFLOAT,
                                   VK_FORMAT_R32G32B32A32_SFLOAT, VK_FORMAT_R32_SFLOAT};
    const VkFormat vk_format = vk_formats[std::uint32_t(format)];
    auto verifier = render::FrameVerifier::create(ctx(), {.window = 4});
    if (!verifier.can_check(vk_format))
        GTEST_SKIP() << ctx().device_name() << " cannot read this format without a format qualifier";
    const auto image =
        render::Image::create(ctx(), {.extent = kExtent,
                                      .format = vk_format,
                                      .usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                                      .name = "verify.format"});
    const VkDescriptorSet set = verifier.bind(image);
    const std::uint32_t n = core::stress_texel_words(format);
    const auto staging = render::Buffer::create(
        ctx(), {.size = kExtent.pixels() * n * 4,
                .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                .name = "verify.format.staging"});
    // Texels of `frame`, rows from `split` on of `other`, one bit flipped at `flip` (a word index) when asked.
    auto check = [&](std::uint32_t frame, std::uint32_t expected_frame, std::uint32_t split = ~0u,
                     std::uint32_t other = 0, std::size_t flip = ~std::size_t(0)) {
        std::vector<std::uint32_t> w;
        for (std::uint32_t y = 0; y < kExtent.height; ++y)
            for (std::uint32_t x = 0; x < kExtent.width; ++x)
                for (std::uint32_t i = 0; i < n; ++i)
                    w.push_back(core::stress_texel(format, y >= split ? other : frame, x, y, i));
        if (flip < w.size())
            w[flip] ^= 1u << 4; // a mantissa bit for the floats, a colour bit for UNORM8
        upload_and_check(ctx(), image, staging, w, verifier, set, expected_frame);
        return verifier.totals();
    };
    EXPECT_EQ(check(7, 7).verified, 1u);
    EXPECT_EQ(check(5, 7).stale, 1u);
    EXPECT_EQ(check(7, 7, kExtent.height / 2, 6).torn, 1u);
    const auto t = check(7, 7, ~0u, 0, std::size_t(kExtent.width * 3 + 5) * n + n - 1);
    EXPECT_EQ(t.corrupt, 1u);
    EXPECT_EQ(t.verified, 1u) << "only the first frame was good";
}

INSTANTIATE_TEST_SUITE_P(SharedFormats, FrameVerifierFormatTest,
                         ::testing::Values(core::StressFormat::rgba8, core::StressFormat::bgra8,
                                           core::StressFormat::rgba16f, core::StressFormat::rgba32f,
                                           core::StressFormat::r32f),
                         format_name);
