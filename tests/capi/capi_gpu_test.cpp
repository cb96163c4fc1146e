// The C ABI on a GPU whose CUDA device matches the Vulkan device (skipped elsewhere, saying why): what CUDA writes
// through the pointers a frame hands out — a linear image's rows, a points buffer — is what Vulkan draws, on the
// interop and staging backends, written on cuvk's stream or on a stream of the caller's ordered with
// cuvk_session_stream_acquire/release. The screenshot must equal the pattern bit for bit.

#include "cuvk/cuvk.h"
#include "cuvk/render/readback.hpp"

#include <cstring>
#include <cuda_runtime_api.h>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {

constexpr std::uint32_t kW = 96, kH = 40;

std::vector<std::uint32_t> pattern(std::uint64_t k) {
    std::vector<std::uint32_t> p(kW * kH);
    for (std::uint32_t y = 0; y < kH; ++y)
        for (std::uint32_t x = 0; x < kW; ++x)
            p[y * kW + x] =
                (x * 3u & 0xffu) | (y * 5u & 0xffu) << 8 | std::uint32_t(k * 40u & 0xffu) << 16 | 0xff000000u;
    return p;
}

// A session of kW x kH with one linear RGBA8 output and validation on; nullptr with `why` set where the device
// cannot run `backend` (the caller skips), else nullptr with `why` naming the failure.
cuvk_session* open_session(const char* name, cuvk_backend backend, std::uint32_t frames_in_flight, std::string& why,
                           bool& unsupported) {
    cuvk_session_info info{.struct_size = sizeof info,
                           .name = name,
                           .width = kW,
                           .height = kH,
                           .backend = backend,
                           .frames_in_flight = frames_in_flight,
                           .validation = 1};
    cuvk_session* s = nullptr;
    const cuvk_status created = cuvk_session_create(&info, &s);
    unsupported = created == CUVK_ERROR_UNSUPPORTED;
    if (created != CUVK_OK) {
        why = cuvk_last_error();
        return nullptr;
    }
    cuvk_output_info image{.struct_size = sizeof image,
                           .kind = CUVK_OUTPUT_IMAGE,
                           .width = kW,
                           .height = kH,
                           .format = CUVK_FORMAT_RGBA8,
                           .linear = 1};
    if (cuvk_session_add_output(s, &image, nullptr) != CUVK_OK) {
        why = cuvk_last_error();
        cuvk_session_destroy(s);
        return nullptr;
    }
    return s;
}

struct Case {
    cuvk_backend backend;
    bool own_stream;
};

class CApiGpu : public ::testing::TestWithParam<Case> {};

TEST_P(CApiGpu, CudaWritesThroughTheFramePointerAreDrawnBitForBit) {
    const Case c = GetParam();
    std::string why;
    bool unsupported = false;
    cuvk_session* s = open_session("capi-gpu", c.backend, 3, why, unsupported);
    if (unsupported)
        GTEST_SKIP() << "no CUDA device matches the Vulkan device: " << why;
    ASSERT_NE(s, nullptr) << why;
    cudaStream_t own = nullptr;
    if (c.own_stream)
        ASSERT_EQ(cudaStreamCreateWithFlags(&own, cudaStreamNonBlocking), cudaSuccess);
    std::vector<std::vector<std::uint32_t>> host;
    for (std::uint64_t k = 0; k < 8; ++k)
        host.push_back(pattern(k)); // kept alive until the copies ran (synchronized below)
    for (std::uint64_t k = 0; k < 8; ++k) {
        cuvk_frame frame{};
        ASSERT_EQ(cuvk_session_begin_frame(s, &frame), CUVK_OK) << cuvk_last_error();
        const auto& out = frame.outputs[0];
        ASSERT_GE(out.device, 0);
        ASSERT_NE(out.data, nullptr) << "a linear CUDA image has a pointer";
        ASSERT_EQ(out.pitch, kW * 4);
        auto stream = static_cast<cudaStream_t>(frame.stream);
        if (own) {
            ASSERT_EQ(cuvk_session_stream_acquire(s, own), CUVK_OK) << cuvk_last_error();
            stream = own;
        }
        ASSERT_EQ(
            cudaMemcpy2DAsync(out.data, out.pitch, host[k].data(), kW * 4, kW * 4, kH, cudaMemcpyHostToDevice, stream),
            cudaSuccess);
        if (own)
            ASSERT_EQ(cuvk_session_stream_release(s, own), CUVK_OK) << cuvk_last_error();
        ASSERT_EQ(cuvk_session_end_frame(s), CUVK_OK) << cuvk_last_error();
    }
    const auto path = (std::filesystem::temp_directory_path() / "capi-gpu.png").string();
    ASSERT_EQ(cuvk_session_screenshot(s, path.c_str()), CUVK_OK) << cuvk_last_error();
    const auto shot = cuvk::render::read_png(path);
    ASSERT_EQ(shot.bytes.size(), std::size_t(kW) * kH * 4);
    const auto expected = pattern(7);
    EXPECT_EQ(std::memcmp(shot.bytes.data(), expected.data(), shot.bytes.size()), 0) << "the last frame as written";
    EXPECT_EQ(cuvk_session_destroy(s), CUVK_OK);
    if (own)
        cudaStreamDestroy(own);
}

// cuvk_copy_rows: rows of host memory, then of CUDA memory with a wider pitch, into a frame's linear output.
TEST(CApiGpuCopy, CopyRowsFromHostAndDeviceMemoryAreDrawnBitForBit) {
    std::string why;
    bool unsupported = false;
    cuvk_session* s = open_session("capi-copy", CUVK_BACKEND_INTEROP, 2, why, unsupported);
    if (unsupported)
        GTEST_SKIP() << "no CUDA device matches the Vulkan device: " << why;
    ASSERT_NE(s, nullptr) << why;
    const auto first = pattern(3), second = pattern(5);
    constexpr std::size_t kWidePitch = kW * 4 + 64;
    void* device_rows = nullptr;
    ASSERT_EQ(cudaMalloc(&device_rows, kWidePitch * kH), cudaSuccess);
    ASSERT_EQ(cudaMemcpy2D(device_rows, kWidePitch, second.data(), kW * 4, kW * 4, kH, cudaMemcpyHostToDevice),
              cudaSuccess);
    for (int k = 0; k < 2; ++k) {
        cuvk_frame frame{};
        ASSERT_EQ(cuvk_session_begin_frame(s, &frame), CUVK_OK) << cuvk_last_error();
        const auto& out = frame.outputs[0];
        if (k == 0) {
            EXPECT_EQ(
                cuvk_copy_rows(out.data, out.pitch, first.data(), kW * 4, kW * 4 + 4, kH, frame.stream, out.device),
                CUVK_ERROR_USAGE)
                << "a row wider than the pitches";
            EXPECT_NE(std::strstr(cuvk_last_error(), "pitch"), nullptr) << cuvk_last_error();
            ASSERT_EQ(cuvk_copy_rows(out.data, out.pitch, first.data(), kW * 4, kW * 4, kH, frame.stream, out.device),
                      CUVK_OK)
                << cuvk_last_error();
        } else {
            ASSERT_EQ(
                cuvk_copy_rows(out.data, out.pitch, device_rows, kWidePitch, kW * 4, kH, frame.stream, out.device),
                CUVK_OK)
                << cuvk_last_error();
        }
        ASSERT_EQ(cuvk_session_end_frame(s), CUVK_OK) << cuvk_last_error();
        if (k == 0) { // what frame 0 shows: the host rows
            const auto path = (std::filesystem::temp_directory_path() / "capi-copy-0.png").string();
            ASSERT_EQ(cuvk_session_screenshot(s, path.c_str()), CUVK_OK) << cuvk_last_error();
            EXPECT_EQ(std::memcmp(cuvk::render::read_png(path).bytes.data(), first.data(), kW * kH * 4), 0);
        }
    }
    const auto path = (std::filesystem::temp_directory_path() / "capi-copy-1.png").string();
    ASSERT_EQ(cuvk_session_screenshot(s, path.c_str()), CUVK_OK) << cuvk_last_error();
    EXPECT_EQ(std::memcmp(cuvk::render::read_png(path).bytes.data(), second.data(), kW * kH * 4), 0)
        << "the device rows, read with their own pitch";
    EXPECT_EQ(cuvk_session_destroy(s), CUVK_OK);
    EXPECT_EQ(cudaFree(device_rows), cudaSuccess);
}

INSTANTIATE_TEST_SUITE_P(Backends, CApiGpu,
                         ::testing::Values(Case{CUVK_BACKEND_INTEROP, false}, Case{CUVK_BACKEND_INTEROP, true},
                                           Case{CUVK_BACKEND_STAGING, false}, Case{CUVK_BACKEND_STAGING, true}),
                         [](const auto& i) {
                             return std::string(i.param.backend == CUVK_BACKEND_INTEROP ? "interop" : "staging") +
                                    (i.param.own_stream ? "_own_stream" : "_cuvk_stream");
                         });

} // namespace
