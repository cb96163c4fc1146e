#include "cuvk/interop/faults.hpp"

#include "cuda_checks.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/interop/device_match.hpp"
#include "cuvk/interop/exported_memory.hpp"
#include "cuvk/interop/vulkan_import.hpp"
#include "second_process.hpp"

#include <cstring>
#include <fcntl.h>
#include <functional>
#include <sstream>
#include <unistd.h>

namespace cuvk::interop {
namespace {

constexpr VkDeviceSize kSize = 65536;

core::UniqueFd closed_fd_number() {
    // A number that was an exported fd and is closed now (nothing else opens fds on this thread in between).
    int number = -1;
    {
        core::UniqueFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        number = fd.get();
    }
    return core::UniqueFd(number);
}

} // namespace

// Runs `fault`, which must throw core::Error, then `healthy`, which must not.
FaultCheck detail::try_fault(std::string name, const std::function<void()>& fault,
                             const std::function<void()>& healthy) {
    FaultCheck c{.name = std::move(name)};
    try {
        fault();
        c.message = "accepted without an error";
    } catch (const core::Error& e) {
        c.caught = true;
        c.message = e.message();
    }
    try {
        healthy();
        c.recovered = true;
    } catch (const core::Error& e) {
        c.message += "; afterwards a normal import failed: " + e.message();
    }
    return c;
}

std::size_t FaultReport::caught() const {
    std::size_t n = 0;
    for (const auto& c : checks)
        n += c.tried && c.caught;
    return n;
}

std::size_t FaultReport::failed() const {
    std::size_t n = 0;
    for (const auto& c : checks)
        n += !c.ok();
    return n;
}

std::string FaultReport::describe() const {
    std::ostringstream out;
    for (const auto& c : checks)
        out << (!c.tried ? "not tried" : c.ok() ? "caught" : "FAILED") << "  " << c.name << ": " << c.message << "\n";
    return out.str();
}

FaultReport run_fault_checks(const render::Context& ctx, const render::Context& second, const CudaDevice* cuda,
                             const std::string& child_command) {
    FaultReport report;
    auto& checks = report.checks;
    const auto exported = ExportedBuffer::create(ctx, {.size = kSize, .name = "fault.buffer"});
    auto healthy = [&] { (void)import_buffer(second, exported.export_fd(), {.size = kSize, .name = "fault.healthy"}); };

    checks.push_back(detail::try_fault(
        "Vulkan import of an empty fd (already given away)",
        [&] { (void)import_buffer(second, core::UniqueFd(), {.size = kSize, .name = "fault.empty"}); }, healthy));
    checks.push_back(detail::try_fault(
        "Vulkan import of a closed fd",
        [&] {
            auto fd = closed_fd_number();
            try {
                (void)import_buffer(second, std::move(fd), {.size = kSize, .name = "fault.closed"});
            } catch (...) {
                (void)fd.release(); // never close a number that is not ours
                throw;
            }
        },
        healthy));
    // An fd that is not exported memory is invalid usage for Vulkan (VUID-VkImportMemoryFdInfoKHR-fd-00668): what
    // a driver does next is its own business (NVIDIA 580 refuses every later allocation of that process), so it is
    // tried in a second process, and this one must go on working.
    {
        const std::string name = "Vulkan import of an fd that is not exported memory (/dev/null), in a second process";
        if (child_command.empty()) {
            checks.push_back(
                {.name = name, .tried = false, .message = "no program was given to run as the second process"});
        } else {
            detail::ImportRequest request{.check = detail::ChildCheck::vulkan_bad_import};
            std::memcpy(request.uuid, ctx.device_uuid().data(), VK_UUID_SIZE);
            std::string answer;
            checks.push_back(detail::try_fault(
                name,
                [&] {
                    answer = detail::ask_second_process(child_command, request, -1);
                    if (answer.rfind("caught: ", 0) != 0)
                        core::fail("the second process: " + answer, "fault.not-memory");
                    throw core::Error({.api = core::Api::vulkan, .what = answer.substr(8), .object = "second process"});
                },
                healthy));
        }
    }
    checks.push_back(detail::try_fault(
        "a Vulkan device paired with a CUDA device of another UUID",
        [&] {
            CudaDeviceSummary other{.ordinal = 0, .name = "a CUDA device of another UUID"};
            other.uuid = ctx.device_uuid();
            other.uuid[0] ^= 0xff;
            const CudaDeviceSummary list[] = {other};
            (void)pair_cuda_device(list, std::nullopt, ctx.device_name(), ctx.device_uuid());
        },
        healthy));
    if (cuda) {
        for (auto& c : detail::cuda_fault_checks(ctx, *cuda))
            checks.push_back(std::move(c));
    } else {
        checks.push_back({.name = "CUDA imports with a wrong size, handle type, format or extent",
                          .tried = false,
                          .message = "no CUDA device pairs with this Vulkan device"});
    }
    ctx.wait_idle();
    second.wait_idle();
    return report;
}

} // namespace cuvk::interop
