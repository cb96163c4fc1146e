#include "cuvk/interop/churn.hpp"

#include "cuda_checks.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/interop/exported_memory.hpp"
#include "cuvk/interop/vulkan_import.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace cuvk::interop {
namespace {} // namespace

std::int64_t open_fd_count() {
    DIR* dir = ::opendir("/proc/self/fd");
    if (!dir)
        core::fail_errno(errno, "opendir", "counting open fds", "/proc/self/fd");
    std::int64_t n = 0;
    while (const dirent* entry = ::readdir(dir))
        n += entry->d_name[0] != '.';
    ::closedir(dir);
    return n - 1; // the directory's own fd
}

namespace {

std::int64_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::int64_t size = 0, resident = 0;
    if (!(statm >> size >> resident))
        core::fail("cannot read /proc/self/statm", "resident memory");
    return resident * ::sysconf(_SC_PAGESIZE);
}

std::int64_t vulkan_heap_bytes(const render::Context& ctx) {
    if (!ctx.has_device_extension(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME))
        return -1;
    VkPhysicalDeviceMemoryBudgetPropertiesEXT budget{
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT};
    VkPhysicalDeviceMemoryProperties2 props{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2,
                                            .pNext = &budget};
    vkGetPhysicalDeviceMemoryProperties2(ctx.physical_device(), &props);
    std::int64_t used = 0;
    for (std::uint32_t h = 0; h < props.memoryProperties.memoryHeapCount; ++h)
        used += std::int64_t(budget.heapUsage[h]);
    return used;
}

// A Vulkan-only cycle: export a buffer (every 8th cycle an image) from ctx, import it into `second`, destroy both.
void vulkan_churn_cycle(const render::Context& ctx, const render::Context& second, std::uint32_t cycle) {
    const std::uint32_t side = 16 + (cycle * 37) % 240;
    if (cycle % 8 == 7) {
        const auto image = ExportedImage::create(ctx, {.extent = {side, side + 3}, .name = "churn.image"});
        (void)import_image(second, image.export_fd(), {.extent = {side, side + 3}, .name = "churn.imported"});
    } else {
        const VkDeviceSize size = 4096 + VkDeviceSize(cycle % 61) * 4096;
        const auto buffer = ExportedBuffer::create(ctx, {.size = size, .name = "churn.buffer"});
        (void)import_buffer(second, buffer.export_fd(), {.size = size, .name = "churn.imported"});
    }
}

// An exported fd, closed, then given to the Vulkan import: cuvk must refuse it with an error before the driver sees it
// (an fd that is not exported memory would be invalid usage for Vulkan; faults.cpp tries that in a second process).
bool vulkan_failing_import(const render::Context& ctx, const render::Context& second) {
    const auto buffer = ExportedBuffer::create(ctx, {.size = 4096, .name = "churn.closed"});
    int number = -1;
    {
        const core::UniqueFd fd = buffer.export_fd();
        number = fd.get();
    }
    core::UniqueFd closed(number);
    try {
        (void)import_buffer(second, std::move(closed), {.size = 4096, .name = "churn.closed"});
    } catch (const core::Error&) {
        (void)closed.release(); // not ours any more: never close the number again
        return true;
    }
    return false;
}

} // namespace

ResourceCounts count_resources(const render::Context& ctx, const CudaDevice* cuda) {
    ResourceCounts c;
    c.fds = open_fd_count();
    c.rss_bytes = resident_bytes();
    c.vulkan_heap_bytes = vulkan_heap_bytes(ctx);
    if (cuda)
        c.cuda_used_bytes = detail::cuda_used_bytes(*cuda);
    return c;
}

std::int64_t grown_bytes(const ResourceCounts& before, const ResourceCounts& after) {
    constexpr std::int64_t kRssSlack = 16 << 20, kDeviceSlack = 4 << 20;
    std::int64_t leaked = 0;
    if (after.rss_bytes - before.rss_bytes > kRssSlack)
        leaked += after.rss_bytes - before.rss_bytes;
    if (before.cuda_used_bytes >= 0 && after.cuda_used_bytes - before.cuda_used_bytes > kDeviceSlack)
        leaked += after.cuda_used_bytes - before.cuda_used_bytes;
    if (before.vulkan_heap_bytes >= 0 && after.vulkan_heap_bytes - before.vulkan_heap_bytes > kDeviceSlack)
        leaked += after.vulkan_heap_bytes - before.vulkan_heap_bytes;
    return leaked;
}

std::string ChurnReport::describe() const {
    std::ostringstream out;
    auto mib = [](std::int64_t b) { return std::to_string(b / (1 << 20)) + " MiB"; };
    out << cycles << " export/import/destroy cycles into " << import_target << " (" << failing_imports
        << " failing imports refused): fds " << before.fds << " -> " << after.fds << ", resident "
        << mib(before.rss_bytes) << " -> " << mib(after.rss_bytes);
    if (before.cuda_used_bytes >= 0)
        out << ", CUDA memory in use " << mib(before.cuda_used_bytes) << " -> " << mib(after.cuda_used_bytes);
    if (before.vulkan_heap_bytes >= 0)
        out << ", Vulkan heaps in use " << mib(before.vulkan_heap_bytes) << " -> " << mib(after.vulkan_heap_bytes);
    else
        out << ", Vulkan heaps not measured (no VK_EXT_memory_budget)";
    return out.str();
}

ChurnReport run_churn(const render::Context& ctx, const render::Context& second, const CudaDevice* cuda,
                      std::uint32_t cycles, const std::function<bool()>& stop) {
    ChurnReport report;
    report.import_target = cuda ? "CUDA" : "a second Vulkan device";
    auto cycle = [&](std::uint32_t i) {
        if (i % 16 == 15) {
            const bool refused = cuda ? detail::cuda_failing_import(*cuda) : vulkan_failing_import(ctx, second);
            if (!refused)
                core::fail("an fd that is not exported memory was imported without an error",
                           cuda ? "CUDA import" : "Vulkan import");
            ++report.failing_imports;
        } else if (cuda) {
            detail::cuda_churn_cycle(ctx, *cuda, i);
        } else {
            vulkan_churn_cycle(ctx, second, i);
        }
    };
    // A warm-up lets drivers and allocators reach their steady pools before the first count.
    const std::uint32_t warm = std::min<std::uint32_t>(64, cycles);
    for (std::uint32_t i = 0; i < warm; ++i)
        cycle(i);
    ctx.wait_idle();
    report.before = count_resources(ctx, cuda);
    report.failing_imports = 0;
    for (std::uint32_t i = 0; i < cycles; ++i) {
        if (stop && stop())
            break;
        cycle(i);
        ++report.cycles;
    }
    ctx.wait_idle();
    second.wait_idle();
    report.after = count_resources(ctx, cuda);
    return report;
}

} // namespace cuvk::interop
