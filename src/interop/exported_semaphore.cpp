#include "cuvk/interop/exported_semaphore.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/render/check.hpp"
#include "cuvk/render/commands.hpp"

namespace cuvk::interop {
namespace {
constexpr auto kHandleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT;

const char* kind_name(SemaphoreKind kind) {
    return kind == SemaphoreKind::timeline ? "timeline" : "binary";
}
} // namespace

std::string semaphore_export_support(const render::Context& ctx, SemaphoreKind kind) {
    if (!ctx.has_device_extension(VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME))
        return "the Vulkan device " + ctx.device_name() +
               " lacks " VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME ", so semaphores cannot be shared with CUDA";
    const VkSemaphoreTypeCreateInfo type{.sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
                                         .semaphoreType = kind == SemaphoreKind::timeline ? VK_SEMAPHORE_TYPE_TIMELINE
                                                                                          : VK_SEMAPHORE_TYPE_BINARY};
    const VkPhysicalDeviceExternalSemaphoreInfo query{
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_SEMAPHORE_INFO, .pNext = &type, .handleType = kHandleType};
    VkExternalSemaphoreProperties props{.sType = VK_STRUCTURE_TYPE_EXTERNAL_SEMAPHORE_PROPERTIES};
    vkGetPhysicalDeviceExternalSemaphoreProperties(ctx.physical_device(), &query, &props);
    if (!(props.externalSemaphoreFeatures & VK_EXTERNAL_SEMAPHORE_FEATURE_EXPORTABLE_BIT))
        return std::string("the Vulkan device ") + ctx.device_name() + " cannot export " + kind_name(kind) +
               " semaphores as opaque fds";
    return {};
}

ExportedSemaphore ExportedSemaphore::create(const render::Context& ctx, const ExportedSemaphoreInfo& info) {
    if (auto why = semaphore_export_support(ctx, info.kind); !why.empty())
        core::fail(why, info.name);
    const VkExportSemaphoreCreateInfo export_info{.sType = VK_STRUCTURE_TYPE_EXPORT_SEMAPHORE_CREATE_INFO,
                                                  .handleTypes = kHandleType};
    const VkSemaphoreTypeCreateInfo type{
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
        .pNext = &export_info,
        .semaphoreType = info.kind == SemaphoreKind::timeline ? VK_SEMAPHORE_TYPE_TIMELINE : VK_SEMAPHORE_TYPE_BINARY,
        .initialValue = info.kind == SemaphoreKind::timeline ? info.initial_value : 0};
    const VkSemaphoreCreateInfo create{.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, .pNext = &type};
    VkSemaphore semaphore = VK_NULL_HANDLE;
    CUVK_VK(vkCreateSemaphore(ctx.device(), &create, nullptr, &semaphore), info.name);
    ExportedSemaphore out;
    out.ctx_ = &ctx;
    out.semaphore_ = render::UniqueSemaphore(semaphore, {ctx.device()});
    out.kind_ = info.kind;
    out.name_ = info.name;
    ctx.set_name(VK_OBJECT_TYPE_SEMAPHORE, semaphore, info.name);
    return out;
}

core::UniqueFd ExportedSemaphore::export_fd() const {
    const auto get_fd = reinterpret_cast<PFN_vkGetSemaphoreFdKHR>(ctx_->device_proc("vkGetSemaphoreFdKHR"));
    const VkSemaphoreGetFdInfoKHR info{
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_GET_FD_INFO_KHR, .semaphore = semaphore_.get(), .handleType = kHandleType};
    int fd = -1;
    CUVK_VK(get_fd(ctx_->device(), &info, &fd), name_);
    return core::UniqueFd(fd);
}

ExportedSemaphore::~ExportedSemaphore() {
    if (ctx_ && semaphore_)
        ctx_->forget_reached(semaphore_.get());
}

ExportedSemaphore& ExportedSemaphore::operator=(ExportedSemaphore&& other) noexcept {
    if (this != &other) {
        if (ctx_ && semaphore_)
            ctx_->forget_reached(semaphore_.get());
        ctx_ = other.ctx_;
        semaphore_ = std::move(other.semaphore_);
        kind_ = other.kind_;
        name_ = std::move(other.name_);
    }
    return *this;
}

void ExportedSemaphore::host_signal_at_least(std::uint64_t value) const {
    CUVK_ASSERT(kind_ == SemaphoreKind::timeline, "only a timeline semaphore is signalled from the host");
    const std::uint64_t now = render::counter_value(*ctx_, semaphore_.get(), name_);
    if (now >= value)
        return; // vkSignalSemaphore needs a value above the counter's
    render::signal_from_host(*ctx_, semaphore_.get(), value, name_);
}

} // namespace cuvk::interop
