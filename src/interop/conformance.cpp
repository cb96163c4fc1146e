#include "cuvk/interop/conformance.hpp"

#include "cuda_checks.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/core/stress_pattern.hpp"
#include "cuvk/interop/exported_memory.hpp"
#include "cuvk/interop/exported_semaphore.hpp"
#include "cuvk/interop/vulkan_import.hpp"
#include "cuvk/render/check.hpp"
#include "cuvk/render/commands.hpp"
#include "cuvk/render/readback.hpp"

#include <cstring>
#include <functional>
#include <sstream>
#include <tuple>
#include <unistd.h>

namespace cuvk::interop {
namespace detail {

render::Buffer host_buffer(const render::Context& ctx, VkDeviceSize size, VkBufferUsageFlags usage,
                           const std::string& name) {
    return render::Buffer::create(ctx,
                                  {.size = size,
                                   .usage = usage,
                                   .memory = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                                   .name = name});
}

// Bytes that tell their position and a seed apart (stress_pattern words).
std::vector<std::uint8_t> pattern_bytes(std::size_t size, std::uint32_t seed) {
    std::vector<std::uint8_t> bytes(size);
    for (std::size_t i = 0; i < size; i += 4) {
        const std::uint32_t w = core::stress_pattern(seed, std::uint32_t(i / 4), 0);
        std::memcpy(bytes.data() + i, &w, std::min<std::size_t>(4, size - i));
    }
    return bytes;
}

// Float formats keep their bits through copies, but NaN patterns are avoided anyway: clear the top exponent bit.
void make_finite(std::vector<std::uint8_t>& bytes, VkFormat format) {
    const std::size_t step = format == VK_FORMAT_R16G16B16A16_SFLOAT ? 2 : 4;
    if (format != VK_FORMAT_R16G16B16A16_SFLOAT && format != VK_FORMAT_R32G32B32A32_SFLOAT &&
        format != VK_FORMAT_R32_SFLOAT)
        return;
    for (std::size_t i = step - 1; i < bytes.size(); i += step)
        bytes[i] &= 0xbf;
}

// Writes `bytes` into `image` (just created, UNDEFINED) and hands it to the external side in GENERAL.
void upload_image(const render::Context& ctx, VkImage image, core::Extent2D extent,
                  std::span<const std::uint8_t> bytes) {
    auto upload = host_buffer(ctx, bytes.size(), VK_BUFFER_USAGE_TRANSFER_SRC_BIT, "conf.upload");
    std::memcpy(upload.mapped().data(), bytes.data(), bytes.size());
    render::submit_and_wait(
        ctx,
        [&](VkCommandBuffer cmd) {
            render::record_barrier(cmd, {.image = image,
                                         .dst_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                         .dst_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                         .new_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL});
            const VkBufferImageCopy region{.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
                                           .imageExtent = {extent.width, extent.height, 1}};
            vkCmdCopyBufferToImage(cmd, upload.get(), image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
            render::record_barrier(cmd, {.image = image,
                                         .src_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                         .src_access = VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                         .old_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                                         .new_layout = VK_IMAGE_LAYOUT_GENERAL,
                                         .src_family = ctx.queue_family().index,
                                         .dst_family = VK_QUEUE_FAMILY_EXTERNAL});
        },
        "conformance upload");
}

} // namespace detail

namespace {

using namespace detail;

// Writes `bytes` into an image exported from `ctx`, imports `fd` of it into `second`, reads it there.
std::string image_round_trip(const render::Context& ctx, const render::Context& second, VkFormat format,
                             std::uint32_t seed) {
    const auto exported = ExportedImage::create(ctx, {.extent = kExtent, .format = format, .name = "conf.image"});
    const std::size_t size = kExtent.pixels() * render::bytes_per_texel(format);
    auto expected = pattern_bytes(size, seed);
    make_finite(expected, format);
    upload_image(ctx, exported.get(), kExtent, expected);
    auto imported =
        import_image(second, exported.export_fd(), {.extent = kExtent, .format = format, .name = "conf.imported"});
    auto download = host_buffer(second, size, VK_BUFFER_USAGE_TRANSFER_DST_BIT, "conf.download");
    render::submit_and_wait(
        second,
        [&](VkCommandBuffer cmd) {
            // UNDEFINED as the old layout: this device never saw the image (see tests/interop/export_import_test).
            render::record_barrier(cmd, {.image = imported.get(),
                                         .dst_stage = VK_PIPELINE_STAGE_2_COPY_BIT,
                                         .dst_access = VK_ACCESS_2_TRANSFER_READ_BIT,
                                         .old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
                                         .new_layout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                                         .src_family = VK_QUEUE_FAMILY_EXTERNAL,
                                         .dst_family = second.queue_family().index});
            render::record_image_to_buffer(cmd, imported, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, download.get());
            render::record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                          VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
        },
        "conformance download");
    if (std::memcmp(download.mapped().data(), expected.data(), size) != 0)
        return "the imported image's texels differ from what was written";
    return {};
}

// Writes a pattern into a buffer exported from `ctx`; each fd `take` yields is imported into `second` and read.
std::string buffer_round_trip(const render::Context& ctx, const render::Context& second, std::uint32_t imports,
                              const std::function<core::UniqueFd(const ExportedBuffer&)>& take) {
    constexpr VkDeviceSize kSize = 65536 + 12;
    const auto exported = ExportedBuffer::create(ctx, {.size = kSize, .name = "conf.buffer"});
    const auto expected = pattern_bytes(kSize, 77);
    auto upload = host_buffer(ctx, kSize, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, "conf.upload");
    std::memcpy(upload.mapped().data(), expected.data(), kSize);
    render::submit_and_wait(
        ctx,
        [&](VkCommandBuffer cmd) {
            const VkBufferCopy region{0, 0, kSize};
            vkCmdCopyBuffer(cmd, upload.get(), exported.get(), 1, &region);
        },
        "conformance upload");
    for (std::uint32_t i = 0; i < imports; ++i) {
        auto imported = import_buffer(second, take(exported), {.size = kSize, .name = "conf.imported"});
        auto download = host_buffer(second, kSize, VK_BUFFER_USAGE_TRANSFER_DST_BIT, "conf.download");
        render::submit_and_wait(
            second,
            [&](VkCommandBuffer cmd) {
                const VkBufferCopy region{0, 0, kSize};
                vkCmdCopyBuffer(cmd, imported.get(), download.get(), 1, &region);
                render::record_memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                              VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
            },
            "conformance download");
        if (std::memcmp(download.mapped().data(), expected.data(), kSize) != 0)
            return "import " + std::to_string(i + 1) + " of " + std::to_string(imports) +
                   " reads bytes that differ from what was written";
    }
    return {};
}

// A semaphore exported from `ctx` and imported into `second` (temporarily: binary only), signalled on ctx's side and
// waited for on second's.
std::string semaphore_import(const render::Context& ctx, const render::Context& second, SemaphoreKind kind,
                             bool temporary) {
    const auto exported = ExportedSemaphore::create(ctx, {.kind = kind, .name = "conf.semaphore"});
    const auto imported = kind == SemaphoreKind::timeline
                              ? render::create_timeline_semaphore(second, 0, "conf.imported-semaphore")
                              : render::create_binary_semaphore(second, "conf.imported-semaphore");
    const auto import_fd = reinterpret_cast<PFN_vkImportSemaphoreFdKHR>(second.device_proc("vkImportSemaphoreFdKHR"));
    core::UniqueFd fd = exported.export_fd();
    const VkImportSemaphoreFdInfoKHR info{.sType = VK_STRUCTURE_TYPE_IMPORT_SEMAPHORE_FD_INFO_KHR,
                                          .semaphore = imported.get(),
                                          .flags = temporary ? VkSemaphoreImportFlags(VK_SEMAPHORE_IMPORT_TEMPORARY_BIT)
                                                             : 0u,
                                          .handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT,
                                          .fd = fd.get()};
    CUVK_VK(import_fd(second.device(), &info), "conf.imported-semaphore");
    (void)fd.release(); // the implementation owns it after a successful import (VK_KHR_external_semaphore_fd)
    // Permanent imports keep the shared payload: signal and wait twice.
    for (int round = 0; round < (temporary ? 1 : 2); ++round) {
        const std::uint64_t value = std::uint64_t(round + 1) * 5;
        const render::SemaphoreSubmit signal{exported.get(), value, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT};
        render::submit(ctx, {.signals = std::span(&signal, 1), .name = "conf.signal"});
        const render::SemaphoreSubmit wait{imported.get(), value, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT};
        const auto fence = render::create_fence(second, "conf.wait");
        render::submit(second, {.waits = std::span(&wait, 1), .fence = fence.get(), .name = "conf.wait"});
        if (render::wait_fence(second, fence.get(), std::chrono::seconds(5), "conf.wait") !=
            render::WaitOutcome::reached)
            return "the second device's wait did not see the first device's signal " + std::to_string(round + 1) +
                   " within 5 s";
    }
    ctx.wait_idle();
    second.wait_idle();
    return {};
}

} // namespace

// Runs `check`: an empty result is supported, a message is a failure; a core::Error is a failure naming the call.
ConformanceCheck detail::run_check(std::string name, const std::function<std::string()>& check) {
    try {
        const std::string what = check();
        return {std::move(name), what.empty() ? Conformance::supported : Conformance::failed, what};
    } catch (const core::Error& e) {
        return {std::move(name), Conformance::failed, e.message()};
    }
}

const char* to_string(Conformance c) {
    switch (c) {
    case Conformance::supported:
        return "supported";
    case Conformance::not_supported:
        return "not supported";
    case Conformance::failed:
        return "FAILED";
    }
    return "?";
}

std::size_t ConformanceReport::count(Conformance c) const {
    std::size_t n = 0;
    for (const auto& check : checks)
        n += check.outcome == c;
    return n;
}

std::string ConformanceReport::describe() const {
    std::ostringstream out;
    for (const auto& c : checks)
        out << to_string(c.outcome) << "  " << c.name << (c.detail.empty() ? "" : ": " + c.detail) << "\n";
    return out.str();
}

ConformanceReport run_vulkan_conformance(const render::Context& ctx, const render::Context& second) {
    ConformanceReport report;
    auto& checks = report.checks;
    checks.push_back(run_check("memory: a buffer exported, imported into a second device, bytes equal", [&] {
        return buffer_round_trip(ctx, second, 1, [](const auto& b) { return b.export_fd(); });
    }));
    checks.push_back(run_check("memory: one allocation exported and imported 4 times, every import reads it", [&] {
        return buffer_round_trip(ctx, second, 4, [](const auto& b) { return b.export_fd(); });
    }));
    checks.push_back(run_check("memory: an fd passed through dup() imports like the original", [&] {
        return buffer_round_trip(ctx, second, 1, [](const auto& b) {
            const core::UniqueFd original = b.export_fd();
            const int copy = ::dup(original.get());
            if (copy < 0)
                core::fail_errno(errno, "dup", "passing an exported fd on");
            return core::UniqueFd(copy); // the original closes here; the copy alone keeps the memory reachable
        });
    }));
    std::uint32_t seed = 1;
    for (const auto& [format, label] : kSharedFormats)
        checks.push_back(
            run_check(std::string("memory: an image exported and imported, texels equal (") + label + ")",
                      [&, format = format, s = seed++] { return image_round_trip(ctx, second, format, s); }));
    for (const auto& [kind, label] :
         {std::pair{SemaphoreKind::timeline, "timeline"}, std::pair{SemaphoreKind::binary, "binary"}}) {
        const std::string name = std::string("semaphore: a ") + label + " semaphore exported as an opaque fd";
        if (const std::string why = semaphore_export_support(ctx, kind); !why.empty()) {
            checks.push_back({name, Conformance::not_supported, why});
            continue;
        }
        checks.push_back(run_check(name, [&, kind = kind] {
            const auto s = ExportedSemaphore::create(ctx, {.kind = kind, .name = "conf.semaphore"});
            return s.export_fd().get() >= 0 ? std::string() : std::string("no fd came back");
        }));
    }
    const std::tuple<SemaphoreKind, bool, const char*> imports[] = {
        {SemaphoreKind::binary, true, "semaphore: a binary semaphore's fd imported temporarily into a second device"},
        {SemaphoreKind::binary, false, "semaphore: a binary semaphore's fd imported permanently into a second device"},
        {SemaphoreKind::timeline, false,
         "semaphore: a timeline semaphore's fd imported permanently into a second device"}};
    for (const auto& [kind, temporary, name] : imports) {
        if (const std::string why = semaphore_export_support(ctx, kind); !why.empty())
            checks.push_back({name, Conformance::not_supported, why});
        else
            checks.push_back(run_check(name, [&, kind = kind, temporary = temporary] {
                return semaphore_import(ctx, second, kind, temporary);
            }));
    }
    ctx.wait_idle();
    second.wait_idle();
    return report;
}

} // namespace cuvk::interop
