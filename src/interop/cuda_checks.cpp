// The CUDA halves of cuvk-stress's checks: churn cycles, faults and the conformance matrix (CUDA builds).
#include "cuda_checks.hpp"
#include "second_process.hpp"

#include "cuvk/compute/check.hpp"
#include "cuvk/compute/stream.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/interop/cuda_handles.hpp"
#include "cuvk/interop/device_match.hpp"
#include "cuvk/interop/exported_memory.hpp"
#include "cuvk/interop/exported_semaphore.hpp"
#include "cuvk/interop/extensions.hpp"
#include "cuvk/interop/shared_buffer.hpp"
#include "cuvk/interop/shared_image.hpp"
#include "cuvk/interop/shared_semaphore.hpp"
#include "cuvk/render/check.hpp"
#include "cuvk/render/commands.hpp"
#include "cuvk/render/memory.hpp"

#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace cuvk::interop {
namespace detail {
namespace {

using namespace std::chrono_literals;

constexpr VkDeviceSize kBufferSize = 65536 + 12;

// Copies `bytes` into `dst` (a buffer of ctx) with a transfer and waits.
void upload_buffer(const render::Context& ctx, VkBuffer dst, std::span<const std::uint8_t> bytes) {
    auto upload = host_buffer(ctx, bytes.size(), VK_BUFFER_USAGE_TRANSFER_SRC_BIT, "conf.upload");
    std::memcpy(upload.mapped().data(), bytes.data(), bytes.size());
    render::submit_and_wait(
        ctx,
        [&](VkCommandBuffer cmd) {
            const VkBufferCopy region{0, 0, bytes.size()};
            vkCmdCopyBuffer(cmd, upload.get(), dst, 1, &region);
        },
        "conformance upload");
}

std::vector<std::uint8_t> cuda_read(const void* ptr, std::size_t size, const std::string& name) {
    std::vector<std::uint8_t> out(size);
    CUVK_CUDA(cudaMemcpy(out.data(), ptr, size, cudaMemcpyDeviceToHost), name);
    return out;
}

UniqueMappedPointer map_buffer(cudaExternalMemory_t memory, std::size_t size, const std::string& name) {
    cudaExternalMemoryBufferDesc desc{};
    desc.size = size;
    void* ptr = nullptr;
    CUVK_CUDA(cudaExternalMemoryGetMappedBuffer(&ptr, memory, &desc), name);
    return UniqueMappedPointer(ptr);
}

UniqueMipmappedArray map_array(cudaExternalMemory_t memory, cudaChannelFormatDesc format, core::Extent2D extent,
                               const std::string& name) {
    cudaExternalMemoryMipmappedArrayDesc desc{};
    desc.formatDesc = format;
    desc.extent = cudaExtent{extent.width, extent.height, 0};
    desc.flags = cudaArraySurfaceLoadStore;
    desc.numLevels = 1;
    cudaMipmappedArray_t mipmap = nullptr;
    CUVK_CUDA(cudaExternalMemoryGetMappedMipmappedArray(&mipmap, memory, &desc), name);
    return UniqueMipmappedArray(mipmap);
}

// The bytes `expected` written by Vulkan into an exported buffer; each fd `take` yields imported into CUDA, read.
std::string cuda_buffer_round_trip(const render::Context& ctx, std::uint32_t imports, bool dedicated,
                                   const std::function<core::UniqueFd(const ExportedBuffer&)>& take) {
    const auto exported =
        ExportedBuffer::create(ctx, {.size = kBufferSize, .name = "conf.buffer", .dedicated = dedicated});
    const auto expected = pattern_bytes(kBufferSize, 91 + imports);
    upload_buffer(ctx, exported.get(), expected);
    std::vector<std::pair<UniqueExternalMemory, UniqueMappedPointer>> imported;
    for (std::uint32_t i = 0; i < imports; ++i) {
        auto memory = import_memory(take(exported), exported.buffer().allocation_size(), "conf.cuda", dedicated);
        auto mapped = map_buffer(memory.get(), kBufferSize, "conf.cuda");
        imported.emplace_back(std::move(memory), std::move(mapped));
    }
    for (std::uint32_t i = 0; i < imports; ++i)
        if (cuda_read(imported[i].second.get(), kBufferSize, "conf.cuda") != expected)
            return "CUDA import " + std::to_string(i + 1) + " of " + std::to_string(imports) +
                   " reads bytes that differ from what Vulkan wrote";
    if (imports > 1) { // a write through the last mapping is seen through the first
        const auto second = pattern_bytes(kBufferSize, 7);
        CUVK_CUDA(cudaMemcpy(imported.back().second.get(), second.data(), kBufferSize, cudaMemcpyHostToDevice),
                  "conf.cuda");
        if (cuda_read(imported.front().second.get(), kBufferSize, "conf.cuda") != second)
            return "a CUDA write through one import is not seen through another";
    }
    return {};
}

// Export → bind → import: the fd is taken from the allocation before the buffer is bound to it.
std::string export_before_bind(const render::Context& ctx) {
    const VkExternalMemoryBufferCreateInfo external{.sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO,
                                                    .handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT};
    const VkBufferCreateInfo info{.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
                                  .pNext = &external,
                                  .size = kBufferSize,
                                  .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                                  .sharingMode = VK_SHARING_MODE_EXCLUSIVE};
    VkBuffer raw = VK_NULL_HANDLE;
    CUVK_VK(vkCreateBuffer(ctx.device(), &info, nullptr, &raw), "conf.export-first");
    const render::UniqueBuffer buffer(raw, {ctx.device()});
    VkMemoryRequirements req{};
    vkGetBufferMemoryRequirements(ctx.device(), raw, &req);
    const VkExportMemoryAllocateInfo export_info{.sType = VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO,
                                                 .handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT};
    const auto memory = render::allocate_memory(ctx, {.requirements = req,
                                                      .properties = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT,
                                                      .next = &export_info,
                                                      .dedicated_buffer = raw,
                                                      .name = "conf.export-first"});
    auto imported = import_memory(export_memory_fd(ctx, memory.get(), "conf.export-first"), req.size, "conf.cuda");
    CUVK_VK(vkBindBufferMemory(ctx.device(), raw, memory.get(), 0), "conf.export-first");
    const auto expected = pattern_bytes(kBufferSize, 5);
    upload_buffer(ctx, raw, expected);
    const auto mapped = map_buffer(imported.get(), kBufferSize, "conf.cuda");
    return cuda_read(mapped.get(), kBufferSize, "conf.cuda") == expected
               ? std::string()
               : std::string("CUDA reads bytes that differ from what Vulkan wrote");
}

// Vulkan writes the image, CUDA reads its array; then CUDA writes, Vulkan reads.
std::string cuda_image_round_trip(const render::Context& ctx, const CudaDevice& cuda, VkFormat format,
                                  std::uint32_t seed) {
    const auto image = SharedImage::create(
        ctx, cuda,
        {.extent = kExtent,
         .format = format,
         .usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
         .name = "conf.cuda-image"});
    const std::size_t row = kExtent.width * render::bytes_per_texel(format);
    auto expected = pattern_bytes(row * kExtent.height, seed);
    make_finite(expected, format);
    upload_image(ctx, image.vk(), kExtent, expected);
    std::vector<std::uint8_t> got(expected.size());
    CUVK_CUDA(
        cudaMemcpy2DFromArray(got.data(), row, image.cuda_array(), 0, 0, row, kExtent.height, cudaMemcpyDeviceToHost),
        "conf.cuda-image");
    return got == expected ? std::string() : std::string("CUDA reads texels that differ from what Vulkan wrote");
}

template <class Ready> bool wait_until(Ready ready, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!ready()) {
        if (std::chrono::steady_clock::now() > end)
            return false;
        std::this_thread::sleep_for(200us);
    }
    return true;
}

std::uint64_t counter(const render::Context& ctx, VkSemaphore s) {
    std::uint64_t value = 0;
    CUVK_VK(vkGetSemaphoreCounterValue(ctx.device(), s, &value), "conf.timeline");
    return value;
}

void host_signal(const render::Context& ctx, VkSemaphore s, std::uint64_t value) {
    const VkSemaphoreSignalInfo info{.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO, .semaphore = s, .value = value};
    CUVK_VK(vkSignalSemaphore(ctx.device(), &info), "conf.timeline");
}

bool stream_done(cudaStream_t stream) {
    const cudaError_t r = cudaStreamQuery(stream);
    if (r == cudaErrorNotReady)
        return false;
    CUVK_CUDA(r, "conf.stream");
    return true;
}

// An exported buffer's fd passed to the second process, which imports it into CUDA and compares the bytes.
std::string second_process_import(const render::Context& ctx, const std::string& child_command) {
    const auto exported = ExportedBuffer::create(ctx, {.size = kBufferSize, .name = "conf.socket"});
    ImportRequest request{.size = kBufferSize, .allocation_size = exported.buffer().allocation_size(), .seed = 4242};
    std::memcpy(request.uuid, ctx.device_uuid().data(), VK_UUID_SIZE);
    upload_buffer(ctx, exported.get(), pattern_bytes(kBufferSize, request.seed));
    const core::UniqueFd fd = exported.export_fd(); // the receiver gets its own copy; ours closes on return
    const std::string answer = ask_second_process(child_command, request, fd.get());
    return answer == "ok" ? std::string() : "the second process: " + answer;
}

// In the second process: a timeline signalled 30 then 25 by CUDA; answers what the counter shows and whether the
// process could still allocate afterwards.
std::string backwards_timeline(const render::Uuid& uuid) {
    auto info = with_interop_extensions({.app_name = "cuvk-stress child", .validation = render::Validation::off});
    info.device = render::to_hex(uuid);
    const auto ctx = render::Context::create(info);
    const auto cuda = select_cuda_device(*ctx);
    std::uint64_t now = 0;
    {
        const auto t = SharedTimeline::create(*ctx, cuda, core::TimelineValue{0}, "conf.backwards");
        const auto stream = compute::create_stream("conf.backwards");
        t.cuda_signal(stream.get(), core::TimelineValue{30});
        t.cuda_signal(stream.get(), core::TimelineValue{25});
        compute::synchronize(stream.get(), "conf.backwards");
        now = counter(*ctx, t.vk());
    }
    std::string after = "the process allocated normally afterwards";
    try {
        (void)SharedBuffer::create(*ctx, cuda, {.size = 65536, .name = "conf.after-backwards"});
    } catch (const core::Error& e) {
        after = "afterwards an allocation failed: " + e.message();
    }
    return (now >= 30 ? "ok: the counter stayed at " : "back: the counter went back to ") + std::to_string(now) + "; " +
           after;
}

} // namespace

void cuda_churn_cycle(const render::Context& ctx, const CudaDevice& cuda, std::uint32_t cycle) {
    const std::uint32_t side = 16 + (cycle * 37) % 240;
    if (cycle % 8 == 7) {
        (void)SharedImage::create(
            ctx, cuda, {.extent = {side, side + 3}, .usage = VK_IMAGE_USAGE_STORAGE_BIT, .name = "churn.image"});
    } else {
        (void)SharedBuffer::create(ctx, cuda, {.size = 4096 + VkDeviceSize(cycle % 61) * 4096, .name = "churn.buffer"});
    }
}

bool cuda_failing_import(const CudaDevice& cuda) {
    const ScopedCudaDevice current(cuda.ordinal, "churn.not-memory");
    try {
        (void)import_memory(core::UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC)), 65536, "churn.not-memory");
    } catch (const core::Error&) {
        return true;
    }
    return false;
}

std::int64_t cuda_used_bytes(const CudaDevice& cuda) {
    const ScopedCudaDevice current(cuda.ordinal, "cudaMemGetInfo");
    std::size_t free = 0, total = 0;
    CUVK_CUDA(cudaMemGetInfo(&free, &total), "cudaMemGetInfo");
    return std::int64_t(total - free);
}

std::vector<FaultCheck> cuda_fault_checks(const render::Context& ctx, const CudaDevice& cuda) {
    const ScopedCudaDevice current(cuda.ordinal, "faults");
    std::vector<FaultCheck> checks;
    auto healthy = [&] {
        const auto b = SharedBuffer::create(ctx, cuda, {.size = 4096, .name = "fault.healthy"});
        CUVK_CUDA(cudaMemset(b.cuda_ptr(), 0, 4096), "fault.healthy");
        CUVK_CUDA(cudaDeviceSynchronize(), "fault.healthy");
    };
    auto check = [&](std::string name, const std::function<void()>& fault) {
        checks.push_back(try_fault(std::move(name), fault, healthy));
    };
    const auto buffer = ExportedBuffer::create(ctx, {.size = 65536, .name = "fault.buffer"});
    const auto alloc = buffer.buffer().allocation_size();

    check("CUDA import of an empty fd (already given away)",
          [&] { (void)import_memory(core::UniqueFd(), alloc, "fault.empty"); });
    check("CUDA import of an fd that is not exported memory (/dev/null)", [&] {
        (void)import_memory(core::UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC)), alloc, "fault.not-memory");
    });
    check("CUDA import with the wrong handle type (an opaque fd declared as a Win32 KMT handle)", [&] {
        core::UniqueFd fd = buffer.export_fd();
        cudaExternalMemoryHandleDesc desc{};
        desc.type = cudaExternalMemoryHandleTypeOpaqueWin32Kmt;
        desc.handle.win32.handle = reinterpret_cast<void*>(std::intptr_t(fd.get()));
        desc.size = alloc;
        cudaExternalMemory_t memory = nullptr;
        CUVK_CUDA(cudaImportExternalMemory(&memory, &desc), "fault.handle-type");
        (void)cudaDestroyExternalMemory(memory); // not reached when CUDA refuses, as it must
    });
    check("CUDA import and mapping of a buffer larger than the allocation (16x)", [&] {
        auto memory = import_memory(buffer.export_fd(), alloc * 16, "fault.size");
        (void)map_buffer(memory.get(), std::size_t(alloc * 16), "fault.size");
    });
    const auto image = ExportedImage::create(ctx, {.extent = kExtent, .name = "fault.image"});
    check("CUDA image mapped with the wrong extent (4x each side)", [&] {
        auto memory = import_memory(image.export_fd(), image.image().allocation_size(), "fault.extent");
        (void)map_array(memory.get(), channel_format_of(VK_FORMAT_R8G8B8A8_UNORM),
                        {kExtent.width * 4, kExtent.height * 4}, "fault.extent");
    });
    check("CUDA image mapped with the wrong format (RGBA32F over RGBA8 memory)", [&] {
        auto memory = import_memory(image.export_fd(), image.image().allocation_size(), "fault.format");
        (void)map_array(memory.get(), channel_format_of(VK_FORMAT_R32G32B32A32_SFLOAT), kExtent, "fault.format");
    });
    const auto devices = list_cuda_devices();
    const CudaDeviceSummary* other = nullptr;
    for (const auto& d : devices.devices)
        if (d.uuid != ctx.device_uuid())
            other = &d;
    if (other) {
        check("memory of this device imported into another CUDA device (" + other->name + ")", [&] {
            const ScopedCudaDevice there(other->ordinal, "fault.other-device");
            (void)import_memory(buffer.export_fd(), alloc, "fault.other-device");
        });
    } else {
        checks.push_back({.name = "memory of this device imported into another CUDA device",
                          .tried = false,
                          .message = "CUDA sees one device only"});
    }
    CUVK_CUDA(cudaDeviceSynchronize(), "faults");
    return checks;
}

std::vector<ConformanceCheck> cuda_conformance_checks(const render::Context& ctx, const render::Context& /*second*/,
                                                      const CudaDevice& cuda, const std::string& child_command) {
    const ScopedCudaDevice current(cuda.ordinal, "conformance");
    std::vector<ConformanceCheck> checks;
    const auto fd_of = [](const ExportedBuffer& b) { return b.export_fd(); };
    checks.push_back(run_check("CUDA: bind -> export -> import, imported before Vulkan's first write, bytes equal",
                               [&] { return cuda_buffer_round_trip(ctx, 1, true, fd_of); }));
    checks.push_back(run_check("CUDA: export -> bind -> import (the fd taken before the buffer is bound)",
                               [&] { return export_before_bind(ctx); }));
    {
        const std::string name = "CUDA: a non-dedicated allocation imported without cudaExternalMemoryDedicated";
        try {
            checks.push_back({name, Conformance::supported, cuda_buffer_round_trip(ctx, 1, false, fd_of)});
            if (!checks.back().detail.empty())
                checks.back().outcome = Conformance::failed;
        } catch (const core::Error& e) {
            const bool dedicated_only = std::string(e.what()).find("only from dedicated") != std::string::npos;
            checks.push_back({name, dedicated_only ? Conformance::not_supported : Conformance::failed, e.message()});
        }
    }
    checks.push_back(
        run_check("CUDA: one allocation imported 4 times, every import reads it and sees the others' writes",
                  [&] { return cuda_buffer_round_trip(ctx, 4, true, fd_of); }));
    checks.push_back(run_check("CUDA: an fd passed through dup() imports like the original", [&] {
        return cuda_buffer_round_trip(ctx, 1, true, [](const ExportedBuffer& b) {
            const core::UniqueFd original = b.export_fd();
            return core::dup_fd(original.get(), "conformance dup");
        });
    }));
    if (child_command.empty())
        checks.push_back({"CUDA: an fd over a Unix socket to a second process that imports and checks it",
                          Conformance::not_supported, "no program was given to run as the second process"});
    else
        checks.push_back(run_check("CUDA: an fd over a Unix socket to a second process that imports and checks it",
                                   [&] { return second_process_import(ctx, child_command); }));
    std::uint32_t seed = 11;
    for (const auto& [format, label] : kSharedFormats)
        checks.push_back(
            run_check(std::string("CUDA: an image Vulkan wrote read by CUDA as an array (") + label + ")",
                      [&, format = format, s = seed++] { return cuda_image_round_trip(ctx, cuda, format, s); }));

    if (const auto why = semaphore_export_support(ctx, SemaphoreKind::timeline); !why.empty()) {
        checks.push_back({"CUDA: timeline semaphore checks", Conformance::not_supported, why});
        return checks;
    }
    const auto stream = compute::create_stream("conf.stream");
    checks.push_back(
        run_check("CUDA: a timeline signalled by CUDA is read by Vulkan; one signalled by Vulkan lets CUDA on", [&] {
            const auto t = SharedTimeline::create(ctx, cuda, core::TimelineValue{0}, "conf.timeline");
            t.cuda_signal(stream.get(), core::TimelineValue{7});
            if (!wait_until([&] { return counter(ctx, t.vk()) >= 7; }, 2000ms))
                return std::string("Vulkan's counter did not reach CUDA's signal of 7 within 2 s");
            t.cuda_wait(stream.get(), core::TimelineValue{9});
            host_signal(ctx, t.vk(), 9);
            if (!wait_until([&] { return stream_done(stream.get()); }, 2000ms))
                return std::string("CUDA's wait for 9 did not pass within 2 s of Vulkan's signal");
            return std::string();
        }));
    checks.push_back(run_check(
        "CUDA: a withheld signal: CUDA's wait holds, the counter does not move, Vulkan's wait times out", [&] {
            const auto t = SharedTimeline::create(ctx, cuda, core::TimelineValue{3}, "conf.withheld");
            t.cuda_wait(stream.get(), core::TimelineValue{4});
            t.cuda_signal(stream.get(), core::TimelineValue{5}); // only once the wait passed
            std::this_thread::sleep_for(50ms);
            std::string what;
            if (stream_done(stream.get()))
                what = "CUDA passed a wait for 4 that nobody signalled";
            else if (counter(ctx, t.vk()) != 3)
                what = "the counter moved to " + std::to_string(counter(ctx, t.vk())) + " without a signal";
            const VkSemaphore s = t.vk();
            const std::uint64_t value = 6;
            const VkSemaphoreWaitInfo wait{.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
                                           .semaphoreCount = 1,
                                           .pSemaphores = &s,
                                           .pValues = &value};
            const VkResult r = vkWaitSemaphores(ctx.device(), &wait, 20'000'000); // 20 ms
            if (what.empty() && r != VK_TIMEOUT)
                what = std::string("Vulkan's wait for an unsignalled 6 returned ") + render::result_name(r);
            // Release CUDA's wait from a second stream (a host signal would race Vulkan's view of the pending value 5).
            const auto late = compute::create_stream("conf.late");
            t.cuda_signal(late.get(), core::TimelineValue{4});
            if (!wait_until([&] { return stream_done(stream.get()); }, 2000ms))
                return std::string("CUDA's wait did not pass within 2 s of the late signal");
            compute::synchronize(late.get(), "conf.late");
            return what;
        }));
    {
        // Invalid usage (a timeline's value must grow), tried in a second process: what a driver does with it must
        // not leave this one unusable.
        const std::string name = "CUDA: a timeline signalled backwards (30, then 25) never moves the counter back";
        if (child_command.empty()) {
            checks.push_back({name, Conformance::not_supported, "no program was given to run as the second process"});
        } else {
            ImportRequest request{.check = ChildCheck::backwards_timeline};
            std::memcpy(request.uuid, ctx.device_uuid().data(), VK_UUID_SIZE);
            const std::string answer = ask_second_process(child_command, request, -1);
            if (answer.rfind("ok:", 0) == 0)
                checks.push_back({name, Conformance::supported, answer.substr(4)});
            else if (answer.rfind("back:", 0) == 0) // the driver applies it: not a driver failure, reported as it is
                checks.push_back({name, Conformance::not_supported,
                                  "this driver applies a backwards signal (invalid usage; cuvk never does it): " +
                                      answer.substr(6)});
            else
                checks.push_back({name, Conformance::failed, "the second process: " + answer});
        }
    }
    compute::synchronize(stream.get(), "conf.stream");
    return checks;
}

} // namespace detail

void run_cuda_conformance(ConformanceReport& report, const render::Context& ctx, const render::Context& second,
                          const CudaDevice& cuda, const std::string& child_command) {
    for (auto& c : detail::cuda_conformance_checks(ctx, second, cuda, child_command))
        report.checks.push_back(std::move(c));
    ctx.wait_idle();
}

std::string detail::child_cuda_import(core::UniqueFd fd, const ImportRequest& request) {
    render::Uuid uuid;
    std::memcpy(uuid.data(), request.uuid, VK_UUID_SIZE);
    const auto devices = list_cuda_devices();
    const auto ordinal = match_cuda_device(devices.devices, uuid);
    if (!ordinal)
        return "no CUDA device here has the sender's UUID " + render::to_hex(uuid);
    const auto device = use_cuda_device(*ordinal);
    const auto memory = import_memory(std::move(fd), request.allocation_size, "second process");
    const auto mapped = detail::map_buffer(memory.get(), request.size, "second process");
    if (detail::cuda_read(mapped.get(), request.size, "second process") !=
        detail::pattern_bytes(request.size, request.seed))
        return "the imported bytes differ from what the first process wrote";
    return "ok";
}

std::string detail::child_backwards_timeline(const ImportRequest& request) {
    render::Uuid uuid;
    std::memcpy(uuid.data(), request.uuid, VK_UUID_SIZE);
    return backwards_timeline(uuid);
}

} // namespace cuvk::interop
