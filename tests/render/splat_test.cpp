// The compute splat draws particles as the raster path does (lavapipe in CI): the same PointVertex buffer through
// PointsPass (additive UNORM8 blending) and through SplatPass (atomic sums, resolved) gives the same image — points on
// pixel centres, overlapping points that saturate, points outside the clip volume, and an area offset in the target.
// On lavapipe the two are equal bit for bit; elsewhere blending may round differently where points meet (compare()).
// The comparison can fail: one added point is seen.

#include "cuvk/compute/simulation.hpp"
#include "cuvk/render/commands.hpp"
#include "cuvk/render/raster.hpp"
#include "cuvk/render/readback.hpp"
#include "cuvk/render/splat.hpp"
#include "support/vk_fixture.hpp"

#include <cstdlib>
#include <cstring>
#include <gtest/gtest.h>
#include <iostream>
#include <random>

using namespace cuvk;

namespace {

constexpr core::Extent2D kTarget{96, 72};
constexpr VkRect2D kArea{{8, 6}, {80, 60}}; // not the whole target, not a multiple of the workgroup

// The identity camera: x, y in [-1, 1] map straight onto the area (z in [0, 1] stays inside the clip volume).
render::RasterPush identity() {
    render::RasterPush p;
    p.view_projection = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    return p;
}

// NDC of the centre of area pixel (px, py).
std::pair<float, float> centre(std::uint32_t px, std::uint32_t py) {
    return {(float(px) + 0.5f) / float(kArea.extent.width) * 2.0f - 1.0f,
            (float(py) + 0.5f) / float(kArea.extent.height) * 2.0f - 1.0f};
}

std::uint32_t rgba(std::uint8_t r, std::uint8_t g, std::uint8_t b, std::uint8_t a) {
    return std::uint32_t(r) | std::uint32_t(g) << 8 | std::uint32_t(b) << 16 | std::uint32_t(a) << 24;
}

class SplatTest : public test::VulkanTest {
protected:
    // Draws `points` with both passes; returns (raster, splat) pixels of the whole target.
    std::pair<render::Pixels, render::Pixels> draw_both(const std::vector<compute::PointVertex>& points) {
        const auto vertices = render::Buffer::create(
            ctx(), {.size = std::max<std::size_t>(points.size(), 1) * sizeof(compute::PointVertex),
                    .usage = VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                    .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                    .name = "splat.points"});
        std::memcpy(vertices.mapped().data(), points.data(), points.size() * sizeof(compute::PointVertex));
        const auto make_target = [&](const char* name) {
            return render::Image::create(ctx(),
                                         {.extent = kTarget,
                                          .usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
                                                   VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                                          .name = name});
        };
        const auto raster_target = make_target("splat.raster");
        const auto splat_target = make_target("splat.compute");
        const auto points_pass = render::PointsPass::create(ctx(), VK_FORMAT_R8G8B8A8_UNORM, "splat.points-pass");
        auto splat = render::SplatPass::create(ctx(), {.max_area = {128, 128}, .max_bindings = 1});
        const VkDescriptorSet set = splat.bind(vertices.get(), splat_target);
        render::submit_and_wait(
            ctx(),
            [&](VkCommandBuffer cmd) {
                // Both targets start cleared to transparent black outside the area.
                for (const auto* t : {&raster_target, &splat_target}) {
                    render::record_barrier(cmd, {.image = t->get(),
                                                 .dst_stage = VK_PIPELINE_STAGE_2_CLEAR_BIT,
                                                 .dst_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                                 .new_layout = VK_IMAGE_LAYOUT_GENERAL});
                    const VkClearColorValue zero{};
                    const VkImageSubresourceRange range{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
                    vkCmdClearColorImage(cmd, t->get(), VK_IMAGE_LAYOUT_GENERAL, &zero, 1, &range);
                }
                render::record_barrier(
                    cmd, {.image = raster_target.get(),
                          .src_stage = VK_PIPELINE_STAGE_2_CLEAR_BIT,
                          .src_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                          .dst_stage = VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
                          .dst_access = VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT,
                          .old_layout = VK_IMAGE_LAYOUT_GENERAL,
                          .new_layout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL});
                points_pass.record(cmd, raster_target, kArea, vertices.get(), std::uint32_t(points.size()), identity());
                render::record_barrier(cmd, {.image = raster_target.get(),
                                             .src_stage = VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
                                             .src_access = VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT,
                                             .dst_stage = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                                             .dst_access = VK_ACCESS_2_MEMORY_READ_BIT,
                                             .old_layout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                                             .new_layout = VK_IMAGE_LAYOUT_GENERAL});
                render::record_barrier(cmd, {.image = splat_target.get(),
                                             .src_stage = VK_PIPELINE_STAGE_2_CLEAR_BIT,
                                             .src_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                             .dst_stage = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                             .dst_access = VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT,
                                             .old_layout = VK_IMAGE_LAYOUT_GENERAL,
                                             .new_layout = VK_IMAGE_LAYOUT_GENERAL});
                splat.record(cmd, set, kArea, std::uint32_t(points.size()), identity());
            },
            "splat.draw");
        return {render::read_image(ctx(), raster_target), render::read_image(ctx(), splat_target)};
    }
};

std::size_t differing_pixels(const render::Pixels& a, const render::Pixels& b) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < a.bytes.size(); i += 4)
        n += std::memcmp(&a.bytes[i], &b.bytes[i], 4) != 0;
    return n;
}

// Pixels lit in one image and not in the other (a point drawn at another pixel), and pixels whose channels differ by
// more than `rounding`. Blending's rounding is the driver's choice (Vulkan blends "with at least the precision of the
// format": lavapipe rounds each point's colour to UNORM8 as the splat does, NVIDIA adds it unrounded), so where
// several points meet a channel may differ by about one per point; where a point lands may not.
struct Comparison {
    std::size_t moved = 0, beyond_rounding = 0, exact = 0;
};
Comparison compare(const render::Pixels& raster, const render::Pixels& splat, int rounding) {
    Comparison c;
    for (std::size_t i = 0; i < raster.bytes.size(); i += 4) {
        const auto* r = &raster.bytes[i];
        const auto* s = &splat.bytes[i];
        const bool lit_r = r[0] | r[1] | r[2] | r[3], lit_s = s[0] | s[1] | s[2] | s[3];
        c.exact += std::memcmp(r, s, 4) != 0;
        c.moved += lit_r != lit_s;
        bool beyond = false;
        for (int k = 0; k < 4; ++k)
            beyond |= std::abs(int(r[k]) - int(s[k])) > rounding;
        c.beyond_rounding += beyond;
    }
    std::cout << c.exact << " of " << raster.bytes.size() / 4 << " pixels differ, " << c.moved << " lit in one only, "
              << c.beyond_rounding << " by more than " << rounding << " per channel\n";
    return c;
}

} // namespace

TEST_F(SplatTest, PointsOnPixelCentresGiveTheRasterImage) {
    std::vector<compute::PointVertex> points;
    for (std::uint32_t i = 0; i < 300; ++i) {
        const auto [x, y] = centre((i * 37) % kArea.extent.width, (i * 11) % kArea.extent.height);
        points.push_back(
            {x, y, 0.5f,
             rgba(std::uint8_t(i * 53), std::uint8_t(i * 97), std::uint8_t(i * 29), std::uint8_t(64 + i % 192))});
    }
    for (int k = 0; k < 6; ++k) { // six bright points on one pixel: the sum saturates at 255
        const auto [x, y] = centre(3, 4);
        points.push_back({x, y, 0.25f, rgba(200, 120, 60, 255)});
    }
    points.push_back({0.0f, 0.0f, -0.5f, rgba(255, 255, 255, 255)}); // behind the near plane: clipped
    points.push_back({1.5f, 0.0f, 0.5f, rgba(255, 255, 255, 255)});  // right of the area: clipped
    const auto [raster, splat] = draw_both(points);
    const auto c = compare(raster, splat, 2); // at most two points per pixel here, and one that saturates
    EXPECT_EQ(c.moved, 0u);
    EXPECT_EQ(c.beyond_rounding, 0u);
    if (ctx().device_name().find("llvmpipe") != std::string::npos) {
        EXPECT_EQ(c.exact, 0u) << "lavapipe rounds each point as the splat does";
    }
    const std::size_t saturated = (std::size_t(kArea.offset.y) + 4) * kTarget.width + kArea.offset.x + 3;
    EXPECT_EQ(splat.bytes[saturated * 4 + 0], 255) << "six times 200 saturates";
    EXPECT_EQ(splat.bytes[0 + 3], 0) << "outside the area the target is untouched";
}

TEST_F(SplatTest, RandomPointsGiveTheRasterImageAndAnAddedPointIsSeen) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> pos(-1.2f, 1.2f), depth(-0.1f, 1.1f);
    std::vector<compute::PointVertex> points;
    for (int i = 0; i < 4000; ++i)
        points.push_back({pos(rng), pos(rng), depth(rng), std::uint32_t(rng())});
    const auto [raster, splat] = draw_both(points);
    // The shader snaps positions to the rasteriser's sub-pixel grid as the rasteriser does; a driver whose snapping
    // or tie rule differs may still move a rare point by a pixel.
    const auto c = compare(raster, splat, 4);
    EXPECT_LE(c.moved, raster.bytes.size() / 4 / 1000) << "at most 0.1% of pixels";
    EXPECT_LE(c.beyond_rounding, raster.bytes.size() / 4 / 1000) << "at most 0.1% of pixels";
    auto moved = points;
    const auto [x, y] = centre(40, 30);
    moved.push_back({x, y, 0.5f, rgba(255, 0, 0, 255)});
    const auto [raster2, splat2] = draw_both(moved);
    EXPECT_GE(differing_pixels(splat, splat2), 1u) << "an added point changes the splat";
}
