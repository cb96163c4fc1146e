#pragma once
// The Vulkan half of sharing a semaphore: a timeline or binary VkSemaphore created exportable as an opaque fd
// (VK_KHR_external_semaphore_fd). Lavapipe lacks that extension; create() then fails saying so, and
// interop::probe() reports it.

#include "cuvk/core/unique_fd.hpp"
#include "cuvk/render/context.hpp"
#include "cuvk/render/handles.hpp"

#include <string>

namespace cuvk::interop {

enum class SemaphoreKind { timeline, binary };

struct ExportedSemaphoreInfo {
    SemaphoreKind kind = SemaphoreKind::timeline;
    std::uint64_t initial_value = 0; // timeline only
    std::string name;
};

class ExportedSemaphore {
public:
    ExportedSemaphore() = default;
    static ExportedSemaphore create(const render::Context& ctx, const ExportedSemaphoreInfo& info);
    // The context forgets what it saw reached on the semaphore (Context::note_reached) when it is destroyed, so that
    // a new semaphore given the same handle starts with nothing.
    ~ExportedSemaphore();
    ExportedSemaphore(ExportedSemaphore&&) noexcept = default;
    ExportedSemaphore& operator=(ExportedSemaphore&& other) noexcept;

    VkSemaphore get() const noexcept { return semaphore_.get(); }
    SemaphoreKind kind() const noexcept { return kind_; }
    const std::string& name() const noexcept { return name_; }
    core::UniqueFd export_fd() const;
    // Timeline only: signals `value` from the host (vkSignalSemaphore) unless the counter has reached it already.
    void host_signal_at_least(std::uint64_t value) const;

private:
    const render::Context* ctx_ = nullptr;
    render::UniqueSemaphore semaphore_;
    SemaphoreKind kind_ = SemaphoreKind::timeline;
    std::string name_;
};

// Empty when `kind` semaphores can be exported as opaque fds, else the reason as a sentence.
std::string semaphore_export_support(const render::Context& ctx, SemaphoreKind kind);

} // namespace cuvk::interop
