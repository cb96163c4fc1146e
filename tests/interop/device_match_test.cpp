#include "cuvk/core/error.hpp"
#include "cuvk/interop/device_match.hpp"

#include <gtest/gtest.h>

using namespace cuvk;

namespace {
render::Uuid uuid_of(std::uint8_t b) {
    render::Uuid u;
    u.fill(b);
    u[15] = std::uint8_t(b ^ 0x5a);
    return u;
}
} // namespace

TEST(DeviceMatch, FindsTheCudaOrdinalWithTheSameUuid) {
    const std::vector<interop::CudaDeviceSummary> cuda = {
        {0, "GPU A", uuid_of(1)}, {1, "GPU B", uuid_of(2)}, {2, "GPU C", uuid_of(3)}};
    EXPECT_EQ(interop::match_cuda_device(cuda, uuid_of(2)), 1);
    EXPECT_EQ(interop::match_cuda_device(cuda, uuid_of(3)), 2);
    EXPECT_EQ(interop::match_cuda_device(cuda, uuid_of(9)), std::nullopt);
}

// CUDA_VISIBLE_DEVICES=2,0 renumbers devices; the UUID still picks the same GPU.
TEST(DeviceMatch, FollowsTheGpuWhenCudaVisibleDevicesReordersOrReduces) {
    const std::vector<interop::CudaDeviceSummary> reordered = {{0, "GPU C", uuid_of(3)}, {1, "GPU A", uuid_of(1)}};
    EXPECT_EQ(interop::match_cuda_device(reordered, uuid_of(1)), 1);
    EXPECT_EQ(interop::match_cuda_device(reordered, uuid_of(3)), 0);
    EXPECT_EQ(interop::match_cuda_device(reordered, uuid_of(2)), std::nullopt); // hidden from CUDA
    EXPECT_EQ(interop::match_cuda_device({}, uuid_of(1)), std::nullopt);
}

TEST(DeviceMatch, TheMismatchMessageNamesBothSides) {
    const std::vector<interop::CudaDeviceSummary> cuda = {{0, "GPU A", uuid_of(1)}};
    const std::string m = interop::describe_mismatch(cuda, "llvmpipe", uuid_of(7));
    EXPECT_NE(m.find("llvmpipe"), std::string::npos) << m;
    EXPECT_NE(m.find(render::to_hex(uuid_of(7))), std::string::npos) << m;
    EXPECT_NE(m.find("GPU A"), std::string::npos) << m;
    EXPECT_NE(m.find(render::to_hex(uuid_of(1))), std::string::npos) << m;
    EXPECT_NE(interop::describe_mismatch({}, "x", uuid_of(1)).find("none"), std::string::npos);
}

TEST(DevicePairing, ForcingTheMatchingCudaDeviceIsAccepted) {
    const std::vector<interop::CudaDeviceSummary> cuda = {{0, "GPU A", uuid_of(1)}, {1, "GPU B", uuid_of(2)}};
    EXPECT_EQ(interop::pair_cuda_device(cuda, std::nullopt, "vk B", uuid_of(2)), 1);
    EXPECT_EQ(interop::pair_cuda_device(cuda, 1, "vk B", uuid_of(2)), 1);
}

TEST(DevicePairing, AMismatchedPairingIsRefusedNamingBothDevices) {
    const std::vector<interop::CudaDeviceSummary> cuda = {{0, "GPU A", uuid_of(1)}, {1, "GPU B", uuid_of(2)}};
    try {
        (void)interop::pair_cuda_device(cuda, 0, "Vulkan GPU B", uuid_of(2));
        FAIL() << "a mismatched pairing was accepted";
    } catch (const core::Error& e) {
        const std::string m = e.what();
        EXPECT_FALSE(e.is_usage());
        for (const std::string& part : {std::string("GPU A"), render::to_hex(uuid_of(1)), std::string("Vulkan GPU B"),
                                        render::to_hex(uuid_of(2))})
            EXPECT_NE(m.find(part), std::string::npos) << part << " missing in: " << m;
    }
    try {
        (void)interop::pair_cuda_device(cuda, 5, "Vulkan GPU B", uuid_of(2));
        FAIL() << "a nonexistent CUDA device was accepted";
    } catch (const core::Error& e) {
        EXPECT_TRUE(e.is_usage()) << e.what();
    }
    EXPECT_THROW((void)interop::pair_cuda_device(cuda, std::nullopt, "llvmpipe", uuid_of(9)), core::Error);
}
