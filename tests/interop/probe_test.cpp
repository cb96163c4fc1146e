#include "cuvk/interop/probe.hpp"
#include "support/vk_fixture.hpp"

#include <gtest/gtest.h>

using namespace cuvk;

class ProbeTest : public test::VulkanTest {};

TEST_F(ProbeTest, ReasonsAreSentencesAndAgreeWithTheFlags) {
    const auto p = interop::probe(ctx());
    EXPECT_TRUE(p.memory);
    for (const auto& r : p.reasons)
        EXPECT_GT(r.size(), 20u) << "a reason should be a sentence: " << r;
    if (!p.timeline_semaphores) {
        ASSERT_FALSE(p.reasons.empty());
        EXPECT_NE(p.reasons.front().find(ctx().device_name()), std::string::npos) << p.reasons.front();
    }
    EXPECT_EQ(p.available(), p.memory && p.timeline_semaphores && p.cuda_ordinal.has_value() && p.reasons.empty());
    if (!p.available())
        std::printf("interop unavailable here: %s\n", test::interop_skip_reason(ctx()).c_str());
}
