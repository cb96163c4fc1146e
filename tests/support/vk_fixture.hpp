#pragma once
// The validation-error fixture: every test gets a Vulkan context with the Khronos validation layer (and
// synchronization validation) required, and fails if the layer reported anything by the end of the test.

#include "cuvk/render/context.hpp"

#include <gtest/gtest.h>
#include <memory>
#include <string>

namespace cuvk::test {

// A context for tests: validation required, interop extensions requested, messages recorded, not printed
// (the fixture prints them on failure). `transfer_queue`: ContextInfo::transfer_queue.
std::unique_ptr<render::Context> make_test_context(const std::string& name = "cuvk-test", bool transfer_queue = true);

// Formats recorded messages, one per line.
std::string format_messages(const std::vector<render::ValidationMessage>& messages);

class VulkanTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;
    render::Context& ctx() { return *ctx_; }

    std::unique_ptr<render::Context> ctx_;
};

// Empty when interop (CUDA + exportable semaphores) is available on ctx, else why not, for GTEST_SKIP.
std::string interop_skip_reason(const render::Context& ctx);

} // namespace cuvk::test
