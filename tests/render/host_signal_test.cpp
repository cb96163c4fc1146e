// Host signals of a timeline semaphore that submissions wait on (lavapipe in CI, with the validation layer). The
// layer of SDK 1.3.239 keeps such a host signal pending for ever, and on NVIDIA also the value a counter read finds
// CUDA signalled, and reports the next, higher host signal as passing it (VUID-VkSemaphoreSignalInfo-value-03259),
// though the counter has reached it. The frame ring reads the counter and signals `produced` from the host after a
// CUDA fault; render::signal_from_host and render::counter_value note each value reached so that the context drops
// exactly that report. The second test keeps the filter honest: the same report about a value the context never
// saw reached is still recorded.

#include "cuvk/render/commands.hpp"
#include "support/vk_fixture.hpp"

#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <vector>

using namespace cuvk;

namespace {

// Submissions waiting for `produced` to reach 1..waits, the last with `fence`.
void submit_waits(const render::Context& ctx, VkSemaphore produced, std::uint64_t waits, VkFence fence) {
    for (std::uint64_t v = 1; v <= waits; ++v) {
        const render::SemaphoreSubmit wait{.semaphore = produced, .value = v};
        render::submit(ctx, {.waits = {&wait, 1}, .fence = v == waits ? fence : VK_NULL_HANDLE, .name = "host-signal"});
    }
}

std::uint64_t counter(const render::Context& ctx, VkSemaphore s) {
    std::uint64_t v = 0;
    EXPECT_EQ(vkGetSemaphoreCounterValue(ctx.device(), s, &v), VK_SUCCESS);
    return v;
}

// A host signal the context does not see (standing for another API's signal): straight vkSignalSemaphore.
void signal_unseen(const render::Context& ctx, VkSemaphore s, std::uint64_t value) {
    const VkSemaphoreSignalInfo info{.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO, .semaphore = s, .value = value};
    ASSERT_EQ(vkSignalSemaphore(ctx.device(), &info), VK_SUCCESS);
}

// The fence of the last waiting submission is reached, and the device idles.
void expect_released(render::Context& ctx, VkFence fence) {
    EXPECT_EQ(render::wait_fence(ctx, fence, std::chrono::seconds(10), "host-signal.fence"),
              render::WaitOutcome::reached);
    ctx.wait_idle();
}

std::size_t stale_reports(const render::Context& ctx) {
    std::size_t n = 0;
    for (const auto& m : ctx.validation_messages())
        n += m.id == "VUID-VkSemaphoreSignalInfo-value-03259";
    return n;
}

} // namespace

class HostSignalTest : public test::VulkanTest {};

TEST_F(HostSignalTest, TwoHostSignalsReleaseTheWaitsWithoutAReport) {
    const auto produced = render::create_timeline_semaphore(ctx(), 0, "host-signal.produced");
    const auto fence = render::create_fence(ctx(), "host-signal.fence");
    submit_waits(ctx(), produced.get(), 3, fence.get());
    render::signal_from_host(ctx(), produced.get(), 2, "host-signal.produced");
    render::signal_from_host(ctx(), produced.get(), 3, "host-signal.produced");
    EXPECT_EQ(counter(ctx(), produced.get()), 3u);
    expect_released(ctx(), fence.get());
    render::signal_from_host(ctx(), produced.get(), 5, "host-signal.produced"); // after the waits: a third
    EXPECT_EQ(counter(ctx(), produced.get()), 5u);
    // The fixture's TearDown fails the test on any recorded message.
}

// What the frame ring meets on NVIDIA: another API (here a raw host signal, standing for CUDA) moved the counter,
// the ring reads it, then signals beyond it.
TEST_F(HostSignalTest, ASignalBeyondACounterReadIsNotReported) {
    const auto produced = render::create_timeline_semaphore(ctx(), 0, "host-signal.read");
    const auto fence = render::create_fence(ctx(), "host-signal.fence");
    submit_waits(ctx(), produced.get(), 3, fence.get());
    signal_unseen(ctx(), produced.get(), 2);
    EXPECT_EQ(render::counter_value(ctx(), produced.get(), "host-signal.read"), 2u);
    render::signal_from_host(ctx(), produced.get(), 3, "host-signal.read");
    expect_released(ctx(), fence.get());
}

TEST_F(HostSignalTest, TheReportAboutASignalNotMadeThroughItIsKept) {
    // A context whose log shows what the filter drops (the fixture's discards its log).
    auto dropped = std::make_shared<std::vector<std::string>>();
    ctx_.reset();
    ctx_ = render::Context::create({.app_name = "host-signal",
                                    .validation = render::Validation::required,
                                    .log = [dropped](core::LogLevel, std::string_view m) {
                                        if (m.find("a host signal it keeps pending") != std::string_view::npos)
                                            dropped->emplace_back(m);
                                    }});
    const auto produced = render::create_timeline_semaphore(ctx(), 0, "host-signal.raw");
    const auto fence = render::create_fence(ctx(), "host-signal.fence");
    submit_waits(ctx(), produced.get(), 3, fence.get());
    signal_unseen(ctx(), produced.get(), 2); // and no counter read after it
    render::signal_from_host(ctx(), produced.get(), 3, "host-signal.raw");
    expect_released(ctx(), fence.get());
    const std::size_t reports = stale_reports(ctx());
    if (reports + dropped->size() == 0) // a layer that retires host signals (newer than 1.3.239) says nothing
        GTEST_SKIP() << "this validation layer does not keep host signals pending: the filter has nothing to do";
    EXPECT_EQ(reports, 1u) << "the report about a value the context never saw reached is recorded";
    EXPECT_TRUE(dropped->empty()) << "the filter dropped it: " << dropped->front();
    (void)ctx().take_validation_messages(); // seen and expected
}
