#include "cuvk/interop/probe.hpp"

#include "cuvk/interop/cuda_device.hpp"
#include "cuvk/interop/exported_semaphore.hpp"

namespace cuvk::interop {

ProbeResult probe(const render::Context& ctx) {
    ProbeResult out;
    if (ctx.has_device_extension(VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME))
        out.memory = true;
    else
        out.reasons.push_back("the Vulkan device " + ctx.device_name() +
                              " was opened without " VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME
                              ", so memory cannot be shared with CUDA");
    const std::string timeline = semaphore_export_support(ctx, SemaphoreKind::timeline);
    const std::string binary = semaphore_export_support(ctx, SemaphoreKind::binary);
    out.timeline_semaphores = timeline.empty();
    out.binary_semaphores = binary.empty();
    if (!timeline.empty())
        out.reasons.push_back(timeline);
    if (!binary.empty() && binary != timeline)
        out.reasons.push_back(binary);

    const auto cuda = list_cuda_devices();
    if (!cuda.unavailable.empty()) {
        out.reasons.push_back(cuda.unavailable);
    } else {
        out.cuda_ordinal = match_cuda_device(cuda.devices, ctx.device_uuid());
        if (!out.cuda_ordinal)
            out.reasons.push_back(describe_mismatch(cuda.devices, ctx.device_name(), ctx.device_uuid()));
    }
    return out;
}

} // namespace cuvk::interop
