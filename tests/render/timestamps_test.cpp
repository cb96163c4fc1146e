// GPU timestamps (lavapipe in CI): a slot's two timestamps give a duration that covers the work between them, and with
// calibrated timestamps the end of the work maps onto the host's monotonic clock between the host's submit and the
// host seeing the fence — the clock frame latency is measured on. The mapping can fail: a sign or unit error puts the
// end outside that window.

#include "cuvk/render/commands.hpp"
#include "cuvk/render/timestamps.hpp"
#include "support/vk_fixture.hpp"

#include <gtest/gtest.h>

using namespace cuvk;

class TimestampsTest : public test::VulkanTest {};

TEST_F(TimestampsTest, TheEndOfTheWorkLiesBetweenSubmitAndFenceOnTheHostClock) {
    auto t = render::Timestamps::create(ctx(), 2, "timestamps-test");
    if (!t.enabled())
        GTEST_SKIP() << ctx().device_name() << " has no timestamps on its queue";
    if (!t.calibrated())
        GTEST_SKIP() << ctx().device_name() << " offers no calibrated device and CLOCK_MONOTONIC timestamps";
    if (ctx().device_name().find("llvmpipe") != std::string::npos)
        EXPECT_TRUE(ctx().supports_host_query_reset()) << "lavapipe offers hostQueryReset: the host path is tested";
    // Each slot twice with each way of resetting its queries (the validation layer reports a query written before
    // it was reset, and results read from a query reset on the host but never written).
    for (const auto reset : {render::QueryReset::in_commands, render::QueryReset::on_host_if_supported})
        for (std::uint32_t use = 0; use < 4; ++use) {
            const std::uint32_t slot = use % 2;
            const std::int64_t before = render::host_monotonic_ns();
            render::submit_and_wait(
                ctx(),
                [&](VkCommandBuffer cmd) {
                    t.record_begin(cmd, slot, reset);
                    t.record_end(cmd, slot);
                },
                "timestamps-test.submit");
            const std::int64_t after = render::host_monotonic_ns();
            const auto end = t.end_host_ns(slot);
            ASSERT_TRUE(end.has_value());
            const auto ms = t.read_ms(slot);
            ASSERT_TRUE(ms.has_value());
            EXPECT_GE(*ms, 0.0);
            EXPECT_LE(*ms * 1e6, double(after - before)) << "the work took no longer than the host waited for it";
            // Calibration is good to a few microseconds (its deviation); allow 1 ms either side.
            EXPECT_GE(*end, before - 1'000'000) << "ended " << (before - *end) << " ns before the host submitted it";
            EXPECT_LE(*end, after + 1'000'000) << "ended " << (*end - after) << " ns after the host saw the fence";
        }
}
