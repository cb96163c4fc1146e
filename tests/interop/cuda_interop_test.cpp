// The CUDA half of interop, on a GPU whose CUDA device matches the Vulkan device: CUDA writes shared memory and
// Vulkan reads back every byte; timeline and binary semaphores hand work back and forth 256 times.
// Skips, with the probe's reasons, where interop is unavailable (lavapipe, no CUDA driver).

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/stream.hpp"
#include "cuvk/interop/cuda_device.hpp"
#include "cuvk/interop/handoff.hpp"
#include "cuvk/interop/shared_buffer.hpp"
#include "cuvk/interop/shared_image.hpp"
#include "cuvk/interop/shared_semaphore.hpp"
#include "cuvk/render/buffer.hpp"
#include "cuvk/render/commands.hpp"
#include "cuvk/render/readback.hpp"
#include "pattern.cuh"
#include "pattern.hpp"
#include "support/vk_fixture.hpp"

#include <cstring>
#include <gtest/gtest.h>

using namespace cuvk;

namespace {

render::Buffer host_buffer(const render::Context& ctx, VkDeviceSize size, const std::string& name) {
    return render::Buffer::create(ctx,
                                  {.size = size,
                                   .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                                   .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                                   .name = name});
}

void host_read_barrier(VkCommandBuffer cmd) {
    render::record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                  VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
}

} // namespace

class CudaInteropTest : public test::VulkanTest {
protected:
    void SetUp() override {
        VulkanTest::SetUp();
        if (auto why = test::interop_skip_reason(ctx()); !why.empty())
            GTEST_SKIP() << "interop unavailable: " << why;
        cuda_ = interop::select_cuda_device(ctx());
        stream_ = compute::create_stream("test.stream");
    }
    void TearDown() override {
        if (stream_)
            compute::synchronize(stream_.get(), "test.stream");
        VulkanTest::TearDown();
    }
    interop::CudaDevice cuda_;
    compute::UniqueStream stream_;
};

TEST_F(CudaInteropTest, CudaWritesABufferAndVulkanReadsEveryByte) {
    constexpr std::size_t kWords = (16u << 20) + 5; // 64 MiB + 20 bytes
    const auto shared = interop::SharedBuffer::create(ctx(), cuda_, {.size = kWords * 4, .name = "shared.buffer"});
    const auto produced = interop::SharedTimeline::create(ctx(), cuda_, {0}, "produced");
    compute::launch_fill_words(shared.span<std::uint32_t>(), 77, stream_.get());
    produced.cuda_signal(stream_.get(), {1});

    auto download = host_buffer(ctx(), kWords * 4, "download");
    const render::SemaphoreSubmit wait = produced.vk_wait({1}, VK_PIPELINE_STAGE_2_COPY_BIT);
    render::submit_and_wait(
        ctx(),
        [&](VkCommandBuffer cmd) {
            interop::acquire_from_external(cmd, shared.vk(), ctx().queue_family(), VK_PIPELINE_STAGE_2_COPY_BIT,
                                           VK_ACCESS_2_TRANSFER_READ_BIT);
            const VkBufferCopy region{0, 0, kWords * 4};
            vkCmdCopyBuffer(cmd, shared.vk(), download.get(), 1, &region);
            interop::release_to_external(cmd, shared.vk(), ctx().queue_family(), VK_PIPELINE_STAGE_2_COPY_BIT,
                                         VK_ACCESS_2_TRANSFER_READ_BIT);
            host_read_barrier(cmd);
        },
        "read shared buffer", {&wait, 1});
    const auto* words = reinterpret_cast<const std::uint32_t*>(download.mapped().data());
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < kWords; ++i)
        wrong += words[i] != compute::pattern::word(i, 77);
    EXPECT_EQ(wrong, 0u);
}

TEST_F(CudaInteropTest, CudaWritesA4kImageThroughASurfaceAndVulkanReadsEveryByte) {
    const core::Extent2D extent{3840, 2160};
    const auto shared = interop::SharedImage::create(ctx(), cuda_, {.extent = extent, .name = "shared.4k"});
    const auto produced = interop::SharedTimeline::create(ctx(), cuda_, {0}, "produced");
    render::submit_and_wait(
        ctx(), [&](VkCommandBuffer cmd) { interop::prepare_for_external(cmd, shared.vk(), ctx().queue_family()); },
        "prepare");
    compute::launch_fill_rgba8(shared.surface(0), 5, stream_.get());
    produced.cuda_signal(stream_.get(), {1});

    auto download = host_buffer(ctx(), extent.pixels() * 4, "download");
    const render::SemaphoreSubmit wait = produced.vk_wait({1}, VK_PIPELINE_STAGE_2_COPY_BIT);
    render::submit_and_wait(
        ctx(),
        [&](VkCommandBuffer cmd) {
            interop::acquire_from_external(cmd, shared.vk(), ctx().queue_family(), VK_PIPELINE_STAGE_2_COPY_BIT,
                                           VK_ACCESS_2_TRANSFER_READ_BIT, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
            render::record_image_to_buffer(cmd, shared.image(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, download.get());
            interop::release_to_external(cmd, shared.vk(), ctx().queue_family(), VK_PIPELINE_STAGE_2_COPY_BIT,
                                         VK_ACCESS_2_TRANSFER_READ_BIT, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
            host_read_barrier(cmd);
        },
        "read shared image", {&wait, 1});
    const auto expected = compute::expected_rgba8(extent, 5);
    EXPECT_EQ(std::memcmp(download.mapped().data(), expected.data(), expected.size() * 4), 0);
}

// Every mip level of an odd-sized shared image is its own CUDA array with its own surface.
TEST_F(CudaInteropTest, EveryMipLevelOfASharedImageIsWritableFromCuda) {
    const core::Extent2D extent{1001, 701};
    constexpr std::uint32_t kLevels = 4;
    const auto shared =
        interop::SharedImage::create(ctx(), cuda_, {.extent = extent, .mip_levels = kLevels, .name = "shared.mips"});
    render::submit_and_wait(
        ctx(), [&](VkCommandBuffer cmd) { interop::prepare_for_external(cmd, shared.vk(), ctx().queue_family()); },
        "prepare");
    for (std::uint32_t level = 0; level < kLevels; ++level)
        compute::launch_fill_rgba8(shared.surface(level), level, stream_.get());
    compute::synchronize(stream_.get(), "test.stream");

    for (std::uint32_t level = 0; level < kLevels; ++level) {
        const auto view = shared.surface(level);
        auto download = host_buffer(ctx(), view.extent.pixels() * 4, "download");
        render::submit_and_wait(
            ctx(),
            [&](VkCommandBuffer cmd) {
                interop::acquire_from_external(cmd, shared.vk(), ctx().queue_family(), VK_PIPELINE_STAGE_2_COPY_BIT,
                                               VK_ACCESS_2_TRANSFER_READ_BIT, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
                render::record_image_to_buffer(cmd, shared.image(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                                               download.get(), level);
                interop::release_to_external(cmd, shared.vk(), ctx().queue_family(), VK_PIPELINE_STAGE_2_COPY_BIT,
                                             VK_ACCESS_2_TRANSFER_READ_BIT, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
                host_read_barrier(cmd);
            },
            "read level");
        const auto expected = compute::expected_rgba8(view.extent, level);
        EXPECT_EQ(std::memcmp(download.mapped().data(), expected.data(), expected.size() * 4), 0) << "level " << level;
    }
}

namespace {

// One link of the ping-pong chain on the Vulkan side: chain[to] = chain[from], with the buffer acquired from and
// released back to CUDA around the copy.
void record_vulkan_link(VkCommandBuffer cmd, const interop::SharedBuffer& chain, core::QueueFamily family,
                        std::size_t from, std::size_t to) {
    interop::acquire_from_external(cmd, chain.vk(), family, VK_PIPELINE_STAGE_2_COPY_BIT,
                                   VK_ACCESS_2_TRANSFER_READ_BIT | VK_ACCESS_2_TRANSFER_WRITE_BIT);
    const VkBufferCopy region{from * 4, to * 4, 4};
    vkCmdCopyBuffer(cmd, chain.vk(), chain.vk(), 1, &region);
    interop::release_to_external(cmd, chain.vk(), family, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
}

// chain[0] = 0; CUDA writes chain[2i+1] = chain[2i] + 1, Vulkan writes chain[2i+2] = chain[2i+1]. Any link that
// runs before its predecessor reads a zero and breaks every later value.
void expect_chain(const render::Context& ctx, const interop::SharedBuffer& chain, std::size_t links) {
    auto download = host_buffer(ctx, chain.size(), "chain.download");
    render::submit_and_wait(
        ctx,
        [&](VkCommandBuffer cmd) {
            interop::acquire_from_external(cmd, chain.vk(), ctx.queue_family(), VK_PIPELINE_STAGE_2_COPY_BIT,
                                           VK_ACCESS_2_TRANSFER_READ_BIT);
            const VkBufferCopy region{0, 0, chain.size()};
            vkCmdCopyBuffer(cmd, chain.vk(), download.get(), 1, &region);
            host_read_barrier(cmd);
        },
        "chain.read");
    const auto* v = reinterpret_cast<const std::uint32_t*>(download.mapped().data());
    std::size_t wrong = 0, first = 0;
    for (std::size_t k = 1; k <= 2 * links; ++k)
        if (v[k] != (k + 1) / 2 && wrong++ == 0)
            first = k;
    EXPECT_EQ(wrong, 0u) << "first broken link at " << first << ": " << v[first] << " != " << (first + 1) / 2;
}

void zero_and_release(const render::Context& ctx, const interop::SharedBuffer& chain,
                      std::span<const render::SemaphoreSubmit> signals) {
    render::submit_and_wait(
        ctx,
        [&](VkCommandBuffer cmd) {
            vkCmdFillBuffer(cmd, chain.vk(), 0, VK_WHOLE_SIZE, 0);
            interop::release_to_external(cmd, chain.vk(), ctx.queue_family(), VK_PIPELINE_STAGE_2_CLEAR_BIT,
                                         VK_ACCESS_2_TRANSFER_WRITE_BIT);
        },
        "chain.zero", {}, signals);
}

} // namespace

// Timeline values: Vulkan signals odd values (2i+1: "chain[2i] is written"), CUDA signals even ones. Each CUDA wait
// names a value whose Vulkan signal is already submitted, and each Vulkan wait one whose CUDA signal is already
// enqueued (compute-sanitizer makes launches block the host, so waiting ahead of the signal would deadlock there);
// the GPU still runs both sides ahead of the host, which waits only on a Vulkan fence and on the CUDA stream.
TEST_F(CudaInteropTest, TimelineSemaphoreHandsWorkBackAndForth256Times) {
    constexpr std::size_t kLinks = 256;
    const auto chain = interop::SharedBuffer::create(ctx(), cuda_, {.size = (2 * kLinks + 1) * 4, .name = "chain"});
    const auto timeline = interop::SharedTimeline::create(ctx(), cuda_, {0}, "chain.timeline");

    const render::SemaphoreSubmit first = timeline.vk_signal({1}, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
    zero_and_release(ctx(), chain, {&first, 1});

    auto pool = render::CommandPool::create(ctx(), "chain.pool");
    auto fence = render::create_fence(ctx(), "chain.fence");
    for (std::size_t i = 0; i < kLinks; ++i) {
        timeline.cuda_wait(stream_.get(), {2 * i + 1});
        compute::launch_increment_from_previous(chain.span<std::uint32_t>(), 2 * i + 1, stream_.get());
        timeline.cuda_signal(stream_.get(), {2 * i + 2});

        const VkCommandBuffer cmd = pool.allocate("chain.link");
        const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                             .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
        ASSERT_EQ(vkBeginCommandBuffer(cmd, &begin), VK_SUCCESS);
        record_vulkan_link(cmd, chain, ctx().queue_family(), 2 * i + 1, 2 * i + 2);
        ASSERT_EQ(vkEndCommandBuffer(cmd), VK_SUCCESS);
        const render::SemaphoreSubmit wait = timeline.vk_wait({2 * i + 2}, VK_PIPELINE_STAGE_2_COPY_BIT);
        const render::SemaphoreSubmit signal = timeline.vk_signal({2 * i + 3}, VK_PIPELINE_STAGE_2_COPY_BIT);
        render::submit(ctx(), {.commands = {&cmd, 1},
                               .waits = {&wait, 1},
                               .signals = {&signal, 1},
                               .fence = i + 1 == kLinks ? fence.get() : VK_NULL_HANDLE,
                               .name = "chain.link"});
    }
    ASSERT_EQ(render::wait_fence(ctx(), fence.get(), std::chrono::seconds(30), "chain.fence"),
              render::WaitOutcome::reached);
    compute::synchronize(stream_.get(), "test.stream");
    expect_chain(ctx(), chain, kLinks);
}

// Binary semaphores: each signal is submitted before the wait that consumes it, one wait per signal.
TEST_F(CudaInteropTest, BinarySemaphoresHandWorkBackAndForth256Times) {
    constexpr std::size_t kLinks = 256;
    const auto chain = interop::SharedBuffer::create(ctx(), cuda_, {.size = (2 * kLinks + 1) * 4, .name = "chain"});
    const auto to_cuda = interop::SharedBinarySemaphore::create(ctx(), cuda_, "chain.to_cuda");
    const auto to_vulkan = interop::SharedBinarySemaphore::create(ctx(), cuda_, "chain.to_vulkan");

    const render::SemaphoreSubmit first = to_cuda.vk_signal(VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
    zero_and_release(ctx(), chain, {&first, 1});

    auto pool = render::CommandPool::create(ctx(), "chain.pool");
    auto fence = render::create_fence(ctx(), "chain.fence");
    for (std::size_t i = 0; i < kLinks; ++i) {
        to_cuda.cuda_wait(stream_.get());
        compute::launch_increment_from_previous(chain.span<std::uint32_t>(), 2 * i + 1, stream_.get());
        to_vulkan.cuda_signal(stream_.get());

        const VkCommandBuffer cmd = pool.allocate("chain.link");
        const VkCommandBufferBeginInfo begin{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                             .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
        ASSERT_EQ(vkBeginCommandBuffer(cmd, &begin), VK_SUCCESS);
        record_vulkan_link(cmd, chain, ctx().queue_family(), 2 * i + 1, 2 * i + 2);
        ASSERT_EQ(vkEndCommandBuffer(cmd), VK_SUCCESS);
        const render::SemaphoreSubmit wait = to_vulkan.vk_wait(VK_PIPELINE_STAGE_2_COPY_BIT);
        const render::SemaphoreSubmit signal = to_cuda.vk_signal(VK_PIPELINE_STAGE_2_COPY_BIT);
        const bool last = i + 1 == kLinks;
        render::submit(ctx(), {.commands = {&cmd, 1},
                               .waits = {&wait, 1},
                               .signals = {&signal, last ? 0u : 1u},
                               .fence = last ? fence.get() : VK_NULL_HANDLE,
                               .name = "chain.link"});
    }
    ASSERT_EQ(render::wait_fence(ctx(), fence.get(), std::chrono::seconds(30), "chain.fence"),
              render::WaitOutcome::reached);
    compute::synchronize(stream_.get(), "test.stream");
    expect_chain(ctx(), chain, kLinks);
}

TEST(CudaDeviceSelection, PicksTheCudaDeviceWithTheVulkanUuidOrSaysWhy) {
    const auto ctx = test::make_test_context();
    const auto list = interop::list_cuda_devices();
    if (!list.unavailable.empty())
        GTEST_SKIP() << list.unavailable;
    const auto match = interop::match_cuda_device(list.devices, ctx->device_uuid());
    if (!match) {
        EXPECT_THROW((void)interop::select_cuda_device(*ctx), core::Error);
        return;
    }
    const auto chosen = interop::select_cuda_device(*ctx);
    EXPECT_EQ(chosen.ordinal, *match);
    int current = -1;
    ASSERT_EQ(cudaGetDevice(&current), cudaSuccess);
    EXPECT_EQ(current, *match);
}
