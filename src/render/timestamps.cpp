#include "cuvk/render/timestamps.hpp"

#include "cuvk/render/check.hpp"

#include <algorithm>
#include <ctime>
#include <vector>

namespace cuvk::render {

Timestamps Timestamps::create(const Context& ctx, std::uint32_t slots, const std::string& name) {
    Timestamps t;
    t.ctx_ = &ctx;
    std::uint32_t count = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(ctx.physical_device(), &count, nullptr);
    std::vector<VkQueueFamilyProperties> families(count);
    vkGetPhysicalDeviceQueueFamilyProperties(ctx.physical_device(), &count, families.data());
    const std::uint32_t bits = families.at(ctx.queue_family().index).timestampValidBits;
    if (bits == 0 || ctx.limits().timestampPeriod == 0.0f)
        return t; // no timestamps on this queue: timings report host and CUDA times only
    t.period_ns_ = ctx.limits().timestampPeriod;
    t.mask_ = bits >= 64 ? ~0ull : ((1ull << bits) - 1);
    const VkQueryPoolCreateInfo info{.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
                                     .queryType = VK_QUERY_TYPE_TIMESTAMP,
                                     .queryCount = slots * 2};
    VkQueryPool pool = VK_NULL_HANDLE;
    CUVK_VK(vkCreateQueryPool(ctx.device(), &info, nullptr, &pool), name);
    t.pool_ = UniqueQueryPool(pool, {ctx.device()});
    ctx.set_name(VK_OBJECT_TYPE_QUERY_POOL, pool, name);
    // Calibration needs both clocks among the device's time domains.
    if (ctx.has_device_extension(VK_EXT_CALIBRATED_TIMESTAMPS_EXTENSION_NAME)) {
        const auto domains_of = reinterpret_cast<PFN_vkGetPhysicalDeviceCalibrateableTimeDomainsEXT>(
            vkGetInstanceProcAddr(ctx.instance(), "vkGetPhysicalDeviceCalibrateableTimeDomainsEXT"));
        std::uint32_t n = 0;
        if (domains_of && domains_of(ctx.physical_device(), &n, nullptr) == VK_SUCCESS) {
            std::vector<VkTimeDomainEXT> domains(n);
            if (domains_of(ctx.physical_device(), &n, domains.data()) == VK_SUCCESS) {
                domains.resize(n);
                auto has = [&](VkTimeDomainEXT d) {
                    return std::find(domains.begin(), domains.end(), d) != domains.end();
                };
                if (has(VK_TIME_DOMAIN_DEVICE_EXT) && has(VK_TIME_DOMAIN_CLOCK_MONOTONIC_EXT))
                    t.calibrate_ = reinterpret_cast<PFN_vkGetCalibratedTimestampsEXT>(
                        ctx.device_proc("vkGetCalibratedTimestampsEXT"));
            }
        }
    }
    // Queries must be reset before first use: record_begin resets them (from the host where the feature is enabled).
    return t;
}

void Timestamps::record_begin(VkCommandBuffer cmd, std::uint32_t slot, QueryReset reset) const {
    if (!pool_)
        return;
    if (reset == QueryReset::on_host_if_supported && ctx_->supports_host_query_reset())
        vkResetQueryPool(ctx_->device(), pool_.get(), slot * 2, 2);
    else
        vkCmdResetQueryPool(cmd, pool_.get(), slot * 2, 2);
    vkCmdWriteTimestamp2(cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, pool_.get(), slot * 2);
}

void Timestamps::record_end(VkCommandBuffer cmd, std::uint32_t slot) const {
    if (!pool_)
        return;
    vkCmdWriteTimestamp2(cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, pool_.get(), slot * 2 + 1);
}

std::optional<double> Timestamps::read_ms(std::uint32_t slot) const {
    if (!pool_)
        return std::nullopt;
    std::uint64_t values[2] = {};
    const VkResult r = CUVK_VK(vkGetQueryPoolResults(ctx_->device(), pool_.get(), slot * 2, 2, sizeof(values), values,
                                                     sizeof(std::uint64_t), VK_QUERY_RESULT_64_BIT),
                               "timestamps");
    if (r == VK_NOT_READY)
        return std::nullopt;
    const std::uint64_t ticks = (values[1] - values[0]) & mask_;
    return double(ticks) * period_ns_ * 1e-6;
}

std::optional<std::int64_t> Timestamps::begin_host_ns(std::uint32_t slot) const {
    return host_ns(slot * 2);
}

std::optional<std::int64_t> Timestamps::end_host_ns(std::uint32_t slot) const {
    return host_ns(slot * 2 + 1);
}

std::optional<std::int64_t> Timestamps::host_ns(std::uint32_t query) const {
    if (!pool_ || !calibrate_)
        return std::nullopt;
    std::uint64_t end = 0;
    const VkResult r = CUVK_VK(vkGetQueryPoolResults(ctx_->device(), pool_.get(), query, 1, sizeof(end), &end,
                                                     sizeof(std::uint64_t), VK_QUERY_RESULT_64_BIT),
                               "timestamps");
    if (r == VK_NOT_READY)
        return std::nullopt;
    // One calibration serves the frames retired within kRecalibrate of it (the two clocks drift by far less than a
    // microsecond in that time), so the frame loop does not sample both clocks for every frame.
    constexpr std::int64_t kRecalibrate = 100'000'000; // ns
    if (host_monotonic_ns() - calibrated_host_ns_ > kRecalibrate) {
        const VkCalibratedTimestampInfoEXT infos[2] = {
            {.sType = VK_STRUCTURE_TYPE_CALIBRATED_TIMESTAMP_INFO_EXT, .timeDomain = VK_TIME_DOMAIN_DEVICE_EXT},
            {.sType = VK_STRUCTURE_TYPE_CALIBRATED_TIMESTAMP_INFO_EXT,
             .timeDomain = VK_TIME_DOMAIN_CLOCK_MONOTONIC_EXT}};
        std::uint64_t now[2] = {}, deviation = 0;
        CUVK_VK(calibrate_(ctx_->device(), 2, infos, now, &deviation), "timestamps calibration");
        calibrated_device_ = now[0];
        calibrated_host_ns_ = std::int64_t(now[1]);
    }
    // The device counter wraps at its valid bits: the end's distance from the calibration is taken modulo them, as a
    // signed number of ticks (the end may lie before or after it).
    std::uint64_t ticks = (end - calibrated_device_) & mask_;
    const bool before = ticks > mask_ / 2;
    if (before)
        ticks = (calibrated_device_ - end) & mask_;
    const auto ns = std::int64_t(double(ticks) * period_ns_);
    return calibrated_host_ns_ + (before ? -ns : ns);
}

std::int64_t host_monotonic_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

} // namespace cuvk::render
