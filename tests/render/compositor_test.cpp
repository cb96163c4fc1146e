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
              .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
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

render::Pixels composite(const render::Context& ctx, bool linear, core::Extent2D target_extent,
                         render::CompositeRect rect) {
    render::Buffer staging;
    const auto source = make_source(ctx, staging);
    const auto target = render::Image::create(
        ctx, {.extent = target_extent,
              .usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
              .name = "target"});
    auto compositor = render::Compositor::create(ctx, {.max_bindings = 1, .linear = linear});
    const auto set = compositor.bind(source.view(), target.view());
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

} // namespace

class CompositorTest : public test::VulkanTest {};

// Nearest sampling into a sub-rectangle: every target pixel is predictable, so check them all exactly.
TEST_F(CompositorTest, NearestScalesASourceIntoARectangleExactly) {
    const auto pixels = composite(ctx(), false, {40, 30}, {.x = 4, .y = 3, .extent = {32, 24}});
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

// Bilinear upscaling: the result depends on the driver's filtering precision, so compare with a golden image.
TEST_F(CompositorTest, LinearUpscaleMatchesTheGoldenImage) {
    const auto pixels = composite(ctx(), true, {64, 48}, {.x = 0, .y = 0, .extent = {64, 48}});
    const auto r = test::compare_with_golden(pixels, CUVK_GOLDEN_DIR "/composite_linear_64x48.png",
                                             "composite_linear_64x48", {.per_channel = 2});
    EXPECT_TRUE(r.ok) << r.message;
}
