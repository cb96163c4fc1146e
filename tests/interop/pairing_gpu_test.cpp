// On GPU machines: every Vulkan physical device with a CUDA twin is paired with the CUDA device that sits at the
// same PCI address (evidence independent of the UUID the pairing uses), also when CUDA_VISIBLE_DEVICES reorders or
// hides devices (ctest runs this binary again with CUDA_VISIBLE_DEVICES=1,0 and =1). A forced mismatch is refused.

#include "cuvk/core/error.hpp"
#include "cuvk/interop/cuda_device.hpp"
#include "cuvk/interop/extensions.hpp"
#include "support/vk_fixture.hpp"

#include <cstdlib>
#include <gtest/gtest.h>

using namespace cuvk;

namespace {

std::unique_ptr<render::Context> context_for(std::uint32_t index) {
    return render::Context::create(interop::with_interop_extensions(
        {.validation = render::Validation::required, .device = std::to_string(index), .log = [](auto, auto) {}}));
}

std::vector<render::PhysicalDeviceSummary> vulkan_devices() {
    return render::list_physical_devices(context_for(0)->instance());
}

} // namespace

TEST(PairingGpu, EachVulkanDeviceGetsTheCudaDeviceAtTheSamePciAddress) {
    const auto cuda = interop::list_cuda_devices();
    if (!cuda.unavailable.empty())
        GTEST_SKIP() << cuda.unavailable;
    const char* visible = std::getenv("CUDA_VISIBLE_DEVICES");
    std::printf("CUDA_VISIBLE_DEVICES=%s: CUDA sees %zu device(s)\n", visible ? visible : "(unset)",
                cuda.devices.size());
    std::size_t paired = 0;
    for (const auto& vk : vulkan_devices()) {
        if (!interop::match_cuda_device(cuda.devices, vk.uuid)) {
            std::printf("  Vulkan %u (%s): no CUDA twin visible\n", vk.index, vk.name.c_str());
            continue;
        }
        const auto ctx = context_for(vk.index);
        const auto chosen = interop::select_cuda_device(*ctx);
        const auto& c = cuda.devices.at(std::size_t(chosen.ordinal));
        std::printf("  Vulkan %u (%s, pci %x:%x:%x) -> CUDA %d (%s, pci %x:%x:%x)\n", vk.index, vk.name.c_str(),
                    vk.pci_domain, vk.pci_bus, vk.pci_device, c.ordinal, c.name.c_str(), c.pci_domain, c.pci_bus,
                    c.pci_device);
        EXPECT_EQ(c.uuid, vk.uuid);
        ASSERT_TRUE(vk.has_pci) << "the Vulkan driver offers no VK_EXT_pci_bus_info to cross-check with";
        EXPECT_EQ(std::uint32_t(c.pci_domain), vk.pci_domain);
        EXPECT_EQ(std::uint32_t(c.pci_bus), vk.pci_bus);
        EXPECT_EQ(std::uint32_t(c.pci_device), vk.pci_device);
        ++paired;
        for (const auto& other : cuda.devices) {
            if (other.ordinal == chosen.ordinal)
                continue;
            try {
                (void)interop::select_cuda_device(*ctx, other.ordinal);
                ADD_FAILURE() << "CUDA device " << other.ordinal << " was paired with Vulkan device " << vk.index;
            } catch (const core::Error& e) {
                EXPECT_NE(std::string(e.what()).find(other.name), std::string::npos) << e.what();
                EXPECT_NE(std::string(e.what()).find(vk.name), std::string::npos) << e.what();
            }
        }
        EXPECT_TRUE(ctx->take_validation_messages().empty());
    }
    if (paired == 0)
        GTEST_SKIP() << "no Vulkan device has a visible CUDA twin";
}
