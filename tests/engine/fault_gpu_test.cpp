// CUDA faults on the GPU (skipped, saying why, without interop): a live kernel that touches memory it must not or
// traps costs CUDA's context; engine::recover_from_cuda_fault gives up the frames in flight, resets the context,
// imports the same Vulkan slots and semaphores again and goes on with the last good kernel. A hundred rounds in a row:
// the good kernel's colour is drawn again after each, the fault is named, the process's fds and the device's memory
// stay flat, and the validation layer has nothing to say (the fixture); interop and staging. Its own binary: the resets
// touch every CUDA object of the process.
//
// A driver may give the process no CUDA context after a fault (NVIDIA 580 on the H200 does: cudaErrorDevicesUnavailable
// after cudaDeviceReset, for good). Then the first fault must still be seen while Vulkan waits, Vulkan's frames must
// finish, the refusal must name the fault and the ring, and the teardown must be clean (no hang, no validation
// message); the tests after it are skipped with the driver's answer, since CUDA is gone from the process. On that GPU
// a fault also leaves later raster work of any process timing out (Xid 109), so scripts run this binary last.

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

// An RGBA8 kernel writing one colour everywhere, after `body` (which may fault): `rgba`, or for the good kernel
// (rgba 0) one whose red is frame * 7 + 3, so that each frame drawn shows which frame wrote it.
std::string kernel(unsigned rgba, const std::string& body = "") {
    const std::string colour = rgba ? std::to_string(rgba) + "u" : "((frame * 7u + 3u) & 0xffu) | 0xffa04000u";
    return "// @param float gain 1 0 2\n"
           "extern \"C\" __global__ void step(cudaSurfaceObject_t out, int width, int height, unsigned frame, "
           "float time, float gain) {\n"
           "    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;\n" +
           body + "    if (x < width && y < height) surf2Dwrite(" + colour + ", out, x * 4, y);\n}\n";
}
const std::string kGood = kernel(0);

// The pixels the good kernel's frame k is drawn as: its colour over the whole pane (the compositor copies RGBA8).
bool drawn_by_good(const render::Pixels& p, std::uint64_t k) {
    const std::uint8_t want[4] = {std::uint8_t((k * 7 + 3) & 0xff), 0x40, 0xa0, 0xff};
    for (std::size_t i = 0; i < p.bytes.size(); ++i)
        if (p.bytes[i] != want[i % 4])
            return false;
    return !p.bytes.empty();
}

// The errors a context fault is reported as (compute::is_context_fault).
bool is_fault_name(const std::string& e) {
    for (const char* name : {"cudaErrorIllegalAddress", "cudaErrorLaunchFailure", "cudaErrorIllegalInstruction",
                             "cudaErrorAssert", "cudaErrorHardwareStackError", "cudaErrorMisalignedAddress",
                             "cudaErrorInvalidAddressSpace", "cudaErrorInvalidPc", "cudaErrorLaunchTimeout"})
        if (e == name)
            return true;
    return false;
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

// What the device has in use (the driver's own memory included: imports of Vulkan memory, contexts).
std::size_t device_used_bytes() {
    std::size_t free = 0, total = 0;
    EXPECT_EQ(cudaMemGetInfo(&free, &total), cudaSuccess);
    return total - free;
}

// Set once a driver refused CUDA to this process after a fault: what it said.
std::string g_cuda_refused;

// recover_from_cuda_fault, or, where the driver refuses the process a new context, its refusal noted (the message
// must name the fault and the ring) and nothing returned.
std::optional<engine::CudaRecovery> recover(std::span<engine::FrameRing* const> rings, const std::string& ring) {
    try {
        return engine::recover_from_cuda_fault(rings);
    } catch (const core::Error& e) {
        if (e.result() != "cudaErrorDevicesUnavailable")
            throw;
        const std::string m = e.message();
        EXPECT_NE(m.find(ring), std::string::npos) << "the refusal names the ring: " << m;
        const auto open = m.find("faulted ("), close = m.find(',', open);
        EXPECT_TRUE(open != std::string::npos && close != std::string::npos &&
                    is_fault_name(m.substr(open + 9, close - open - 9)))
            << "the refusal names the fault: " << m;
        g_cuda_refused = m;
        return std::nullopt;
    }
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

class FaultGpuTest : public test::VulkanTest, public ::testing::WithParamInterface<engine::Backend> {
protected:
    void SetUp() override {
        VulkanTest::SetUp();
        if (!g_cuda_refused.empty())
            GTEST_SKIP() << "this process has no CUDA since an earlier fault: " << g_cuda_refused;
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

// Rings that cannot be carried through a reset say so instead of resetting: binary semaphores.
TEST_P(FaultGpuTest, ARingWithBinarySemaphoresIsRefusedWithTheReason) {
    if (GetParam() != engine::Backend::interop)
        GTEST_SKIP() << "semaphores are interop's";
    const auto file = dir_ / "binary.cu";
    std::ofstream(file) << kGood;
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

// Interop a hundred rounds, staging twenty (its CUDA side is made again the same way, around host copies).
TEST_P(FaultGpuTest, AFaultingLiveKernelIsRecoveredFromRoundAfterRoundWithFlatResources) {
    const engine::Backend backend = GetParam();
    const int rounds = backend == engine::Backend::interop ? 100 : 20;
    const auto file = dir_ / "faulty.cu";
    std::ofstream(file) << kGood;
    auto owned = compute::make_live_kernel({.file = file, .watch = false});
    compute::LiveKernel& live = *owned;
    engine::FrameRing ring(ctx(), std::move(owned), {.backend = backend, .extent = kExtent, .frames_in_flight = 3});
    std::optional<std::pair<std::uint64_t, render::Pixels>> last; // the last frame drawn, and its number
    engine::OffscreenTarget target(
        ctx(), {.extent = kExtent,
                .readbacks = 4,
                .capture = [](core::FrameIndex) { return true; },
                .on_capture = [&](core::FrameIndex k, render::Pixels&& p) { last.emplace(k.value, std::move(p)); }});
    engine::FrameRing* rings[] = {&ring};
    engine::FrameLoop loop(ctx(), target, rings);

    // One frame; a fault seen on the way is recovered from, and returned (or the driver's refusal noted).
    auto advance = [&]() -> std::optional<engine::CudaRecovery> {
        try {
            loop.advance();
            return std::nullopt;
        } catch (const core::Error&) {
            auto recovered = recover(rings, "faulty");
            if (!recovered && g_cuda_refused.empty())
                throw;
            return recovered;
        }
    };
    // The last frame drawn was written by the good kernel in that frame (not an earlier one left in the slot).
    auto shows_good = [&] { return last && drawn_by_good(last->second, last->first); };

    for (int f = 0; f < 8; ++f)
        ASSERT_FALSE(advance()) << "the good kernel faulted";
    loop.finish();
    ASSERT_TRUE(shows_good()) << "frame " << (last ? last->first : 0) << " is not the good kernel's colour";

    std::size_t fds_after_first = 0, used_after_first = 0;
    std::vector<double> recovery_ms;
    for (int round = 0; round < rounds; ++round) {
        const bool trap = round % 2 == 1;
        const auto before = live.status();
        live.submit_source(kernel(0xff0000ffu, trap ? kTrap : kIllegalAddress));
        const auto compiled = wait_compiled(live, before.compiles);
        ASSERT_TRUE(compiled.errors.empty()) << compiled.message;

        std::optional<engine::CudaRecovery> recovered;
        const auto submitted = std::chrono::steady_clock::now();
        for (int f = 0; f < 300 && !recovered && g_cuda_refused.empty(); ++f)
            recovered = advance();
        if (!g_cuda_refused.empty()) {
            // A driver that refuses does so at the first fault; one that recovered before and refuses later fails.
            ASSERT_EQ(round, 0) << "recovered " << round << " times, then refused: " << g_cuda_refused;
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - submitted).count();
            EXPECT_LT(s, 10.0) << "the fault is seen while Vulkan waits, not after a timeout";
            std::printf("%s: the fault was seen and CUDA refused %.2f s after the kernel was submitted\n",
                        engine::to_string(backend), s);
            GTEST_SKIP() << "the driver gives this process no CUDA context after a fault: " << g_cuda_refused;
        }
        ASSERT_TRUE(recovered) << "round " << round << ": no fault was seen in 300 frames";
        EXPECT_TRUE(is_fault_name(recovered->error)) << "round " << round << ": " << recovered->error;
        EXPECT_EQ(recovered->rings, 1u);
        recovery_ms.push_back(recovered->milliseconds);

        const auto st = live.status();
        EXPECT_EQ(st.faults, std::uint64_t(round + 1));
        EXPECT_FALSE(st.held) << st.fault;
        EXPECT_NE(st.fault.find("back to the last good kernel"), std::string::npos) << st.fault;
        EXPECT_EQ(live.source_text(), kGood) << "round " << round;

        const std::uint64_t resumed = loop.next_frame().value;
        for (int f = 0; f < 6; ++f)
            ASSERT_FALSE(advance()) << "round " << round << ": the good kernel faulted after the recovery";
        loop.finish();
        ASSERT_TRUE(last && last->first >= resumed && shows_good())
            << "round " << round << ": frame " << (last ? last->first : 0) << " (of those from " << resumed
            << " on) is not the good kernel's";
        if (round == 0) {
            fds_after_first = open_fds();
            used_after_first = device_used_bytes();
        }
    }
    const std::size_t fds = open_fds(), used = device_used_bytes();
    std::sort(recovery_ms.begin(), recovery_ms.end());
    std::printf("%s: fault recovery x%d: median %.1f ms, max %.1f ms; fds %zu -> %zu; device memory used %.1f -> "
                "%.1f MiB\n",
                engine::to_string(backend), rounds, recovery_ms[recovery_ms.size() / 2], recovery_ms.back(),
                fds_after_first, fds, double(used_after_first) / 1048576.0, double(used) / 1048576.0);
    EXPECT_LE(fds, fds_after_first) << "fds leak across recoveries";
    // The reset frees every CUDA allocation, so this sees what outlives it: the driver's imports and contexts.
    EXPECT_LE(used, used_after_first + (4u << 20)) << "device memory leaks across recoveries";
}

// A fault that surfaces between a frame's production and its submission (CUDA's `produced` signal, enqueued at the
// submission, would be refused): the submission goes on without it — thrown there, the frame loop would count a frame
// its ring never submitted — the ring's wait sees the fault and signals `produced` from the host, and the next
// produce() throws the fault. (After the test above this process has no CUDA on a driver that refuses it: scripts run
// this test in a process of its own too.)
TEST_P(FaultGpuTest, AFaultBeforeTheSubmissionIsLeftToTheWait) {
    if (GetParam() != engine::Backend::interop)
        GTEST_SKIP() << "the produced signal is interop's";
    const auto file = dir_ / "before-submit.cu";
    std::ofstream(file) << kernel(0xff0000ffu, kIllegalAddress);
    engine::FrameRing ring(ctx(), compute::make_live_kernel({.file = file, .watch = false}),
                           {.backend = engine::Backend::interop, .extent = kExtent, .frames_in_flight = 2});
    const core::FrameIndex k{0};
    ring.produce(k);
    EXPECT_NE(cudaDeviceSynchronize(), cudaSuccess) << "the kernel faulted before the submission";
    const VkCommandBuffer cmd = ring.begin_commands(k);
    ring.record_acquire(cmd, k);
    ring.record_release(cmd, k);
    ASSERT_EQ(vkEndCommandBuffer(cmd), VK_SUCCESS);
    EXPECT_NO_THROW(ring.submit(k, k));
    EXPECT_EQ(ring.next_to_submit().value, 1u) << "the frame counts as submitted";
    EXPECT_EQ(ring.wait(k, std::chrono::seconds(5)), render::WaitOutcome::reached)
        << "the wait sees the fault and signals produced from the host";
    EXPECT_TRUE(is_fault_name(ring.cuda_fault())) << ring.cuda_fault();
    EXPECT_THROW(ring.produce(k.next()), core::Error) << "the next frame throws the fault";
    engine::FrameRing* rings[] = {&ring};
    if (const auto recovered = recover(rings, ring.name()))
        EXPECT_TRUE(is_fault_name(recovered->error)) << recovered->error;
}

INSTANTIATE_TEST_SUITE_P(Backends, FaultGpuTest, ::testing::Values(engine::Backend::interop, engine::Backend::staging),
                         [](const auto& info) { return std::string(engine::to_string(info.param)); });

// A faulting first kernel has nothing good to go back to: after the recovery it is held (nothing launches), the
// loop goes on drawing, and a good source brings it back.
TEST_P(FaultGpuTest, AFirstKernelThatFaultsIsHeldUntilANewOneCompiles) {
    const auto file = dir_ / "first.cu";
    std::ofstream(file) << kernel(0xff0000ffu, kIllegalAddress);
    auto owned = compute::make_live_kernel({.file = file, .watch = false});
    compute::LiveKernel& live = *owned;
    engine::FrameRing ring(ctx(), std::move(owned), {.backend = GetParam(), .extent = kExtent, .frames_in_flight = 2});
    engine::OffscreenTarget target(ctx(), {.extent = kExtent});
    engine::FrameRing* rings[] = {&ring};
    engine::FrameLoop loop(ctx(), target, rings);
    std::optional<engine::CudaRecovery> recovered;
    for (int f = 0; f < 100 && !recovered; ++f) {
        try {
            loop.advance();
        } catch (const core::Error&) {
            recovered = recover(rings, "first");
            if (!g_cuda_refused.empty())
                GTEST_SKIP() << "the driver gives this process no CUDA context after a fault: " << g_cuda_refused;
            ASSERT_TRUE(recovered) << "an error that is not a fault";
        }
    }
    ASSERT_TRUE(recovered);
    EXPECT_TRUE(live.status().held) << live.status().fault;
    for (int f = 0; f < 10; ++f)
        ASSERT_NO_THROW(loop.advance()) << "a held kernel launches nothing, and the loop goes on";
    const auto before = live.status();
    live.submit_source(kGood);
    ASSERT_TRUE(wait_compiled(live, before.compiles).errors.empty());
    for (int f = 0; f < 10; ++f)
        ASSERT_NO_THROW(loop.advance());
    loop.finish();
    EXPECT_FALSE(live.status().held);
    EXPECT_EQ(live.status().generation, before.generation + 1);
}
