// engine::recover_from_cuda_fault where nothing faulted (CI: the cpu backend, no CUDA): it finds no fault, touches
// nothing and the loop draws on exactly as a loop that never asked; rings without CUDA report no fault, no device
// and no reason to refuse. The recovery itself runs on the GPU (fault_gpu_tests).

#include "cuvk/engine/cuda_recovery.hpp"
#include "cuvk/engine/frame_loop.hpp"
#include "cuvk/engine/registry.hpp"
#include "cuvk/engine/target.hpp"
#include "support/vk_fixture.hpp"

#include <gtest/gtest.h>

using namespace cuvk;

namespace {

constexpr core::Extent2D kSize{96, 64};

// Frames 0..7 of gray-scott on the cpu backend, asking for a recovery before every frame when `ask`.
std::vector<std::vector<std::uint8_t>> frames(const render::Context& ctx, bool ask) {
    static const auto registry = engine::Registry::with_builtins();
    engine::FrameRing ring(ctx, registry.make("gray-scott"), {.backend = engine::Backend::cpu, .extent = kSize});
    EXPECT_EQ(ring.cuda_fault(), "");
    EXPECT_EQ(ring.cuda_ordinal(), -1);
    EXPECT_EQ(ring.cuda_recovery_refusal(), "");
    std::vector<std::vector<std::uint8_t>> out;
    engine::OffscreenTarget target(
        ctx, {.extent = kSize,
              .readbacks = 8,
              .capture = [](core::FrameIndex) { return true; },
              .on_capture = [&](core::FrameIndex, render::Pixels&& p) { out.push_back(std::move(p.bytes)); }});
    engine::FrameRing* rings[] = {&ring};
    engine::FrameLoop loop(ctx, target, rings);
    for (int k = 0; k < 8; ++k) {
        if (ask)
            EXPECT_FALSE(engine::recover_from_cuda_fault(rings)) << "frame " << k;
        loop.advance();
    }
    loop.finish();
    return out;
}

} // namespace

class CudaRecoveryTest : public test::VulkanTest {};

TEST_F(CudaRecoveryTest, WithoutAFaultNothingIsTouched) {
    const auto asked = frames(ctx(), true), plain = frames(ctx(), false);
    ASSERT_EQ(asked.size(), 8u);
    EXPECT_EQ(asked, plain);
    EXPECT_FALSE(engine::recover_from_cuda_fault({})) << "no rings";
}
