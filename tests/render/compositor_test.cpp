#include "cuvk/core/error.hpp"
#include "cuvk/render/buffer.hpp"
#include "cuvk/render/commands.hpp"
#include "cuvk/render/compositor.hpp"
#include "cuvk/render/readback.hpp"
#include "support/image_compare.hpp"
#include "support/vk_fixture.hpp"

#include <cstring>
#include <gtest/gtest.h>

using namespace cuvk;

namespace {

// A 4x3 source of distinct colours, uploaded through a staging buffer into a sampled image in GENERAL layout.
render::Image make_source(const render::Context& ctx, render::Buffer& staging) {
    const core::Extent2D extent{4, 3};
    auto image = render::Image::create(
        ctx, {.extent = extent, .usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, .name = "src"});
    staging = render::Buffer::create(
        ctx, {.size = extent.pixels() * 4,
              .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT, // also a source
              .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
              .name = "src.staging"});
    auto* texels = reinterpret_cast<std::uint8_t*>(staging.mapped().data());
    for (std::uint32_t i = 0; i < extent.pixels(); ++i) {
        texels[i * 4 + 0] = std::uint8_t(i * 20);
        texels[i * 4 + 1] = std::uint8_t(255 - i * 20);
        texels[i * 4 + 2] = std::uint8_t((i % 2) * 255);
        texels[i * 4 + 3] = 255;
    }
    render::submit_and_wait(
        ctx,
        [&](VkCommandBuffer cmd) {
            render::record_barrier(cmd, {.image = image.get(),
                                         .dst_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                         .dst_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                         .new_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL});
            const VkBufferImageCopy region{.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
                                           .imageExtent = {extent.width, extent.height, 1}};
            vkCmdCopyBufferToImage(cmd, staging.get(), image.get(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
            render::record_barrier(cmd, {.image = image.get(),
                                         .src_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                         .src_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                         .dst_stage = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                         .dst_access = VK_ACCESS_2_SHADER_SAMPLED_READ_BIT,
                                         .old_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                                         .new_layout = VK_IMAGE_LAYOUT_GENERAL});
        },
        "upload");
    return image;
}

// `from_buffer`: the same texels read as a linear image from the staging buffer (Compositor::bind_buffer).
render::Pixels composite(const render::Context& ctx, bool linear, core::Extent2D target_extent,
                         render::CompositeRect rect, bool from_buffer = false) {
    render::Buffer staging;
    const auto source = make_source(ctx, staging);
    const auto target = render::Image::create(
        ctx, {.extent = target_extent,
              .usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
              .name = "target"});
    auto compositor = render::Compositor::create(ctx, {.max_bindings = 1, .linear = linear});
    const auto set = from_buffer
                         ? compositor.bind_buffer(staging.get(), VK_FORMAT_R8G8B8A8_UNORM, {4, 3}, target.view())
                         : compositor.bind(source.view(), target.view());
    render::submit_and_wait(
        ctx,
        [&](VkCommandBuffer cmd) {
            render::record_barrier(cmd, {.image = target.get(),
                                         .dst_stage = VK_PIPELINE_STAGE_2_CLEAR_BIT,
                                         .dst_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                         .new_layout = VK_IMAGE_LAYOUT_GENERAL});
            const VkClearColorValue grey{{0.25f, 0.25f, 0.25f, 1.0f}};
            const VkImageSubresourceRange range{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
            vkCmdClearColorImage(cmd, target.get(), VK_IMAGE_LAYOUT_GENERAL, &grey, 1, &range);
            render::record_barrier(cmd, {.image = target.get(),
                                         .src_stage = VK_PIPELINE_STAGE_2_CLEAR_BIT,
                                         .src_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                         .dst_stage = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                         .dst_access = VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT,
                                         .old_layout = VK_IMAGE_LAYOUT_GENERAL,
                                         .new_layout = VK_IMAGE_LAYOUT_GENERAL});
            compositor.record(cmd, set, rect);
        },
        "composite");
    return render::read_image(
        ctx, target,
        {.after_stage = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, .after_access = VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT});
}

// Nearest sampling of make_source's texels into (4, 3, 32x24) of a 40x30 target cleared to grey.
void check_nearest(const render::Pixels& pixels) {
    for (std::uint32_t y = 0; y < 30; ++y) {
        for (std::uint32_t x = 0; x < 40; ++x) {
            const std::uint8_t* p = &pixels.bytes[(y * 40 + x) * 4];
            const bool inside = x >= 4 && x < 36 && y >= 3 && y < 27;
            if (!inside) {
                ASSERT_EQ(p[0], 64) << x << "," << y; // 0.25 in UNORM8 rounds to 64
                continue;
            }
            const std::uint32_t i = ((y - 3) / 8) * 4 + (x - 4) / 8; // 32/4 = 24/3 = 8 target pixels per texel
            ASSERT_EQ(p[0], std::uint8_t(i * 20)) << x << "," << y;
            ASSERT_EQ(p[1], std::uint8_t(255 - i * 20)) << x << "," << y;
            ASSERT_EQ(p[2], std::uint8_t((i % 2) * 255)) << x << "," << y;
        }
    }
}

} // namespace

class CompositorTest : public test::VulkanTest {};

// Nearest sampling into a sub-rectangle: every target pixel is predictable, so check them all exactly — from a
// sampled image, and from the same texels as a linear image in a buffer.
TEST_F(CompositorTest, NearestScalesASourceIntoARectangleExactly) {
    for (const bool from_buffer : {false, true}) {
        SCOPED_TRACE(from_buffer ? "linear image in a buffer" : "sampled image");
        check_nearest(composite(ctx(), false, {40, 30}, {.x = 4, .y = 3, .extent = {32, 24}}, from_buffer));
    }
}

// Bilinear from a buffer (by hand in the shader) agrees with the sampler's bilinear within a level.
TEST_F(CompositorTest, LinearFromABufferAgreesWithTheSampler) {
    const auto image = composite(ctx(), true, {64, 48}, {.x = 0, .y = 0, .extent = {64, 48}});
    const auto buffer = composite(ctx(), true, {64, 48}, {.x = 0, .y = 0, .extent = {64, 48}}, true);
    ASSERT_EQ(image.bytes.size(), buffer.bytes.size());
    int worst = 0;
    for (std::size_t i = 0; i < image.bytes.size(); ++i)
        worst = std::max(worst, std::abs(int(image.bytes[i]) - int(buffer.bytes[i])));
    EXPECT_LE(worst, 1);
}

// A linear image with more texels than the device reads from a texel buffer is refused, naming the limit.
TEST_F(CompositorTest, ALinearImageBeyondTheTexelBufferLimitIsAUsageError) {
    const auto limit = ctx().properties().limits.maxTexelBufferElements;
    const auto target =
        render::Image::create(ctx(), {.extent = {8, 8}, .usage = VK_IMAGE_USAGE_STORAGE_BIT, .name = "target"});
    const auto buffer = render::Buffer::create(
        ctx(), {.size = 256, .usage = VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT, .name = "linear"});
    auto compositor = render::Compositor::create(ctx(), {.max_bindings = 1});
    try {
        (void)compositor.bind_buffer(buffer.get(), VK_FORMAT_R8G8B8A8_UNORM, {65536, limit / 65536 + 1}, target.view());
        ADD_FAILURE() << "a linear image beyond maxTexelBufferElements was accepted";
    } catch (const core::Error& e) {
        EXPECT_TRUE(e.is_usage()) << e.what();
        EXPECT_NE(std::string(e.what()).find(std::to_string(limit)), std::string::npos) << e.what();
    }
}

// Bilinear upscaling: the result depends on the driver's filtering precision, so compare with a golden image.
TEST_F(CompositorTest, LinearUpscaleMatchesTheGoldenImage) {
    const auto pixels = composite(ctx(), true, {64, 48}, {.x = 0, .y = 0, .extent = {64, 48}});
    const auto r = test::compare_with_golden(pixels, CUVK_GOLDEN_DIR "/composite_linear_64x48.png",
                                             "composite_linear_64x48", {.per_channel = 2});
    EXPECT_TRUE(r.ok) << r.message;
}
