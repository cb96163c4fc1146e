// CUDA faults on the GPU (skipped, saying why, without interop): a live kernel that touches memory it must not or
// traps costs CUDA's context; engine::recover_from_cuda_fault gives up the frames in flight, resets the context,
// imports the same Vulkan slots and semaphores again and goes on with the last good kernel. A hundred rounds in a row:
// the good kernel's colour is drawn again after each, the fault is named, the process's fds and the device's memory
// stay flat, and the validation layer has nothing to say (the fixture). Its own binary: the resets touch every CUDA
// object of the process.

#include "cuvk/compute/live_kernel.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/engine/cuda_recovery.hpp"
#include "cuvk/engine/frame_loop.hpp"
#include "cuvk/engine/target.hpp"
#include "support/vk_fixture.hpp"

#include <algorithm>
#include <chrono>
#include <cuda_runtime_api.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <thread>
#include <unistd.h>

using namespace cuvk;

namespace {

constexpr core::Extent2D kExtent{96, 64};
constexpr unsigned kGood = 0xff20a040u; // RGBA8, R in the low byte

// An RGBA8 kernel writing `rgba` everywhere, after `body` (which may fault).
std::string kernel(unsigned rgba, const std::string& body = "") {
    return "// @param float gain 1 0 2\n"
           "extern \"C\" __global__ void step(cudaSurfaceObject_t out, int width, int height, unsigned frame, "
           "float time, float gain) {\n"
           "    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;\n" +
           body + "    if (x < width && y < height) surf2Dwrite(" + std::to_string(rgba) + "u, out, x * 4, y);\n}\n";
}
// Two ways to lose the context: a store through a wild pointer, and a trap.
const std::string kIllegalAddress = "    if (x == 1 && y == 1) *(volatile int*)(0x10) = int(frame);\n";
const std::string kTrap = "    if (x == 2 && y == 3) __trap();\n";

std::size_t open_fds() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd"))
        ++n;
    return n;
}

std::size_t device_used_bytes() {
    std::size_t free = 0, total = 0;
    if (cudaMemGetInfo(&free, &total) != cudaSuccess)
        return 0;
    return total - free;
}

compute::LiveKernelStatus wait_compiled(const compute::LiveKernel& sim, std::uint64_t compiles_before) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
        auto st = sim.status();
        if ((!st.compiling && st.compiles > compiles_before) || std::chrono::steady_clock::now() > until)
            return st;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

} // namespace

class FaultGpuTest : public test::VulkanTest {
protected:
    void SetUp() override {
        VulkanTest::SetUp();
        if (auto why = test::interop_skip_reason(ctx()); !why.empty())
            GTEST_SKIP() << "interop unavailable: " << why;
        dir_ = std::filesystem::temp_directory_path() / ("cuvk-fault-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        VulkanTest::TearDown();
    }
    std::filesystem::path dir_;
};

TEST_F(FaultGpuTest, AFaultingLiveKernelIsRecoveredFromAHundredTimesWithFlatResources) {
    const auto file = dir_ / "faulty.cu";
    std::ofstream(file) << kernel(kGood);
    auto owned = compute::make_live_kernel({.file = file, .watch = false});
    compute::LiveKernel& live = *owned;
    engine::FrameRing ring(ctx(), std::move(owned),
                           {.backend = engine::Backend::interop, .extent = kExtent, .frames_in_flight = 3});
    std::optional<render::Pixels> last;
    engine::OffscreenTarget target(ctx(), {.extent = kExtent,
                                           .readbacks = 4,
                                           .capture = [](core::FrameIndex) { return true; },
                                           .on_capture = [&](core::FrameIndex, render::Pixels&& p) { last = p; }});
    engine::FrameRing* rings[] = {&ring};
    engine::FrameLoop loop(ctx(), target, rings);

    // One frame; a fault seen on the way is recovered from, and returned.
    auto advance = [&]() -> std::optional<engine::CudaRecovery> {
        try {
            loop.advance();
            return std::nullopt;
        } catch (const core::Error&) {
            auto recovered = engine::recover_from_cuda_fault(rings);
            if (!recovered)
                throw;
            return recovered;
        }
    };
    // What the good kernel's frames look like once drawn: one colour over the whole pane, the same each time.
    std::vector<std::uint8_t> good;
    auto shows_good = [&] { return last && last->bytes == good; };

    for (int f = 0; f < 8; ++f)
        ASSERT_FALSE(advance()) << "the good kernel faulted";
    loop.finish();
    ASSERT_TRUE(last);
    good = last->bytes;
    for (std::size_t i = 4; i < good.size(); ++i)
        ASSERT_EQ(good[i], good[i % 4]) << "the good kernel draws one colour everywhere (byte " << i << ")";
    ASSERT_NE(good[0] | good[1] | good[2], 0) << "the good kernel's colour was drawn, not black";

    constexpr int kRounds = 100;
    std::size_t fds_after_first = 0, used_after_first = 0;
    std::vector<double> recovery_ms;
    for (int round = 0; round < kRounds; ++round) {
        const bool trap = round % 2 == 1;
        const auto before = live.status();
        live.submit_source(kernel(0xff0000ffu, trap ? kTrap : kIllegalAddress));
        const auto compiled = wait_compiled(live, before.compiles);
        ASSERT_TRUE(compiled.errors.empty()) << compiled.message;

        std::optional<engine::CudaRecovery> recovered;
        for (int f = 0; f < 300 && !recovered; ++f)
            recovered = advance();
        ASSERT_TRUE(recovered) << "round " << round << ": no fault was seen in 300 frames";
        EXPECT_TRUE(recovered->error == "cudaErrorIllegalAddress" || recovered->error == "cudaErrorLaunchFailure" ||
                    recovered->error == "CUDA_ERROR_ILLEGAL_ADDRESS" || recovered->error == "CUDA_ERROR_LAUNCH_FAILED")
            << "round " << round << ": " << recovered->error;
        EXPECT_EQ(recovered->rings, 1u);
        recovery_ms.push_back(recovered->milliseconds);

        const auto st = live.status();
        EXPECT_EQ(st.faults, std::uint64_t(round + 1));
        EXPECT_FALSE(st.held) << st.fault;
        EXPECT_NE(st.fault.find("back to the last good kernel"), std::string::npos) << st.fault;
        EXPECT_EQ(live.source_text(), kernel(kGood)) << "round " << round;

        for (int f = 0; f < 6; ++f)
            ASSERT_FALSE(advance()) << "round " << round << ": the good kernel faulted after the recovery";
        loop.finish();
        ASSERT_TRUE(shows_good()) << "round " << round << ": the good kernel's colour is not drawn after the recovery";
        if (round == 0) {
            fds_after_first = open_fds();
            used_after_first = device_used_bytes();
        }
    }
    const std::size_t fds = open_fds(), used = device_used_bytes();
    std::sort(recovery_ms.begin(), recovery_ms.end());
    std::printf(
        "fault recovery x%d: median %.1f ms, max %.1f ms; fds %zu -> %zu; device memory used %.1f -> %.1f MiB\n",
        kRounds, recovery_ms[recovery_ms.size() / 2], recovery_ms.back(), fds_after_first, fds,
        double(used_after_first) / 1048576.0, double(used) / 1048576.0);
    EXPECT_LE(fds, fds_after_first) << "fds leak across recoveries";
    EXPECT_LE(used, used_after_first + (4u << 20)) << "device memory leaks across recoveries";
}

// A faulting first kernel has nothing good to go back to: after the recovery it is held (nothing launches), the
// loop goes on drawing, and a good source brings it back.
TEST_F(FaultGpuTest, AFirstKernelThatFaultsIsHeldUntilANewOneCompiles) {
    const auto file = dir_ / "first.cu";
    std::ofstream(file) << kernel(0xff0000ffu, kIllegalAddress);
    auto owned = compute::make_live_kernel({.file = file, .watch = false});
    compute::LiveKernel& live = *owned;
    engine::FrameRing ring(ctx(), std::move(owned),
                           {.backend = engine::Backend::interop, .extent = kExtent, .frames_in_flight = 2});
    engine::OffscreenTarget target(ctx(), {.extent = kExtent});
    engine::FrameRing* rings[] = {&ring};
    engine::FrameLoop loop(ctx(), target, rings);
    std::optional<engine::CudaRecovery> recovered;
    for (int f = 0; f < 100 && !recovered; ++f) {
        try {
            loop.advance();
        } catch (const core::Error&) {
            recovered = engine::recover_from_cuda_fault(rings);
            ASSERT_TRUE(recovered) << "an error that is not a fault";
        }
    }
    ASSERT_TRUE(recovered);
    EXPECT_TRUE(live.status().held) << live.status().fault;
    for (int f = 0; f < 10; ++f)
        ASSERT_NO_THROW(loop.advance()) << "a held kernel launches nothing, and the loop goes on";
    const auto before = live.status();
    live.submit_source(kernel(kGood));
    ASSERT_TRUE(wait_compiled(live, before.compiles).errors.empty());
    for (int f = 0; f < 10; ++f)
        ASSERT_NO_THROW(loop.advance());
    loop.finish();
    EXPECT_FALSE(live.status().held);
    EXPECT_EQ(live.status().generation, before.generation + 1);
}

// Rings that cannot be carried through a reset say so instead of resetting: binary semaphores.
TEST_F(FaultGpuTest, ARingWithBinarySemaphoresIsRefusedWithTheReason) {
    const auto file = dir_ / "binary.cu";
    std::ofstream(file) << kernel(kGood);
    engine::FrameRing ring(ctx(), compute::make_live_kernel({.file = file, .watch = false}),
                           {.backend = engine::Backend::interop,
                            .extent = kExtent,
                            .frames_in_flight = 2,
                            .sync = engine::SyncMode::binary});
    EXPECT_NE(ring.cuda_recovery_refusal().find("binary"), std::string::npos) << ring.cuda_recovery_refusal();
    EXPECT_EQ(ring.cuda_fault(), "") << "a healthy context reports no fault";
    engine::FrameRing* rings[] = {&ring};
    EXPECT_FALSE(engine::recover_from_cuda_fault(rings)) << "nothing to recover from";
}
