#include "support/vk_fixture.hpp"

#include "cuvk/interop/extensions.hpp"
#include "cuvk/interop/probe.hpp"

namespace cuvk::test {

std::unique_ptr<render::Context> make_test_context(const std::string& name, bool transfer_queue) {
    return render::Context::create(interop::with_interop_extensions({
        .app_name = name,
        .validation = render::Validation::required,
        .sync_validation = true,
        .log = [](core::LogLevel, std::string_view) {}, // recorded; VulkanTest reports them
        .compute_queue = true,                          // a second queue where the device has one (cuvk-stress)
        .transfer_queue = transfer_queue,
    }));
}

std::string format_messages(const std::vector<render::ValidationMessage>& messages) {
    std::string out;
    for (const auto& m : messages)
        out += "  [" + std::string(core::to_string(m.level)) + "] " + m.text + "\n";
    return out;
}

void VulkanTest::SetUp() {
    ctx_ = make_test_context(::testing::UnitTest::GetInstance()->current_test_info()->name());
}

void VulkanTest::TearDown() {
    if (!ctx_)
        return;
    ctx_->wait_idle();
    const auto messages = ctx_->take_validation_messages();
    EXPECT_TRUE(messages.empty()) << "the validation layer reported " << messages.size() << " message(s):\n"
                                  << format_messages(messages);
}

std::string interop_skip_reason(const render::Context& ctx) {
    const auto probe = interop::probe(ctx);
    std::string out;
    for (const auto& r : probe.reasons)
        out += (out.empty() ? "" : "; ") + r;
    return out;
}

} // namespace cuvk::test
