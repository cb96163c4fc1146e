// Error injection over a whole use of cuvk on this driver (lavapipe in CI: Vulkan only): every checked call of the
// sharing workload is made to fail in turn, and every run ends in one core::Error with no fd left open and no Vulkan
// object left alive (the validation layer's object tracker speaks when a device is destroyed with objects alive). The
// sweep can fail: a workload that keeps an fd open when it fails is reported, call by call.

#include "cuvk/core/error.hpp"
#include "cuvk/core/fault_injection.hpp"
#include "cuvk/engine/fault_sweep.hpp"
#include "cuvk/render/context.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <iostream>
#include <unistd.h>

using namespace cuvk;

TEST(FaultSweep, EveryInjectedFailureUnwindsCleanly) {
    if (!core::FaultInjection::available())
        GTEST_SKIP() << "built with CUVK_FAULT_INJECTION=OFF";
    // A context of the test's own stays alive through the sweep, as cuvk-stress's do, so the driver stays loaded
    // between runs. Without it NVIDIA's driver 580 is unloaded after each run and, once a run failed at the fence of
    // its submit_and_wait, loaded again refuses every new instance ("Could not get 'vkCreateInstance' via
    // 'vk_icdGetInstanceProcAddr' for ICD libGLX_nvidia.so.0", the loader says): a driver finding, not a leak.
    const auto keep_loaded = render::Context::create({.app_name = "fault sweep test"});
    const auto result = engine::run_fault_sweep({.workload = engine::sharing_workload("", false)});
    std::cout << result.describe() << "\n";
    EXPECT_GT(result.calls, 40u);
    EXPECT_EQ(result.injected, result.calls);
    EXPECT_GT(result.errors, result.calls / 2);
    EXPECT_TRUE(result.clean()) << result.describe();
}

TEST(FaultSweep, AnFdLeftOpenOnFailureIsReported) {
    if (!core::FaultInjection::available())
        GTEST_SKIP() << "built with CUVK_FAULT_INJECTION=OFF";
    const auto inner = engine::sharing_workload("", false);
    const auto result = engine::run_fault_sweep({.workload =
                                                     [&](std::vector<std::string>& messages) {
                                                         const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
                                                         inner(messages); // a failure skips the close: a leak
                                                         ::close(fd);
                                                     },
                                                 .stride = 10});
    std::cout << result.describe() << "\n";
    EXPECT_NE(result.describe().find("fds left open"), std::string::npos) << result.describe();
    EXPECT_EQ(result.problems.size(), result.errors) << result.describe(); // each injected run leaked one
}

TEST(FaultSweep, ARunBrokenByAnEarlierInjectedFailureIsReported) {
    if (!core::FaultInjection::available())
        GTEST_SKIP() << "built with CUVK_FAULT_INJECTION=OFF";
    // As a driver that an injected failure leaves unusable: after the first failure every run fails by itself.
    bool broken = false;
    const auto inner = engine::sharing_workload("", false);
    const auto result = engine::run_fault_sweep({.workload =
                                                     [&](std::vector<std::string>& messages) {
                                                         if (broken)
                                                             core::fail("the device is gone");
                                                         try {
                                                             inner(messages);
                                                         } catch (const core::Error&) {
                                                             broken = true;
                                                             throw;
                                                         }
                                                     },
                                                 .stride = 10});
    std::cout << result.describe() << "\n";
    EXPECT_EQ(result.injected, 1u);
    EXPECT_NE(result.describe().find("the device is gone) after the injected failure at call 1 ("), std::string::npos)
        << result.describe();
    EXPECT_NE(result.describe().find("final clean run failed"), std::string::npos) << result.describe();
}
