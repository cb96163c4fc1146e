#pragma once
// The frame handoff between Vulkan and CUDA, in one place. Shared images stay in VK_IMAGE_LAYOUT_GENERAL (CUDA
// knows no layouts); around CUDA's access Vulkan releases the resource to VK_QUEUE_FAMILY_EXTERNAL and acquires it
// back (Vulkan spec, "Queue Family Ownership Transfer": the external side is VK_QUEUE_FAMILY_EXTERNAL).

#include "cuvk/core/types.hpp"

#include <vulkan/vulkan.h>

namespace cuvk::interop {

// After Vulkan's last access in (stage, access) with the image in `layout`: hand `image` to CUDA in GENERAL.
void release_to_external(VkCommandBuffer cmd, VkImage image, core::QueueFamily family, VkPipelineStageFlags2 stage,
                         VkAccessFlags2 access, VkImageLayout layout = VK_IMAGE_LAYOUT_GENERAL);
// Before Vulkan's next access in (stage, access): take `image` back from CUDA, moving it from GENERAL to `layout`
// (e.g. TRANSFER_SRC_OPTIMAL for a copy; the matching release moves it back). The submission must wait for CUDA's
// semaphore at `stage` (or earlier): the barrier's first scope is `stage`, which chains it, and its layout change,
// after that wait (Vulkan spec, "Semaphore Waiting": the wait's second scope is its stage mask).
void acquire_from_external(VkCommandBuffer cmd, VkImage image, core::QueueFamily family, VkPipelineStageFlags2 stage,
                           VkAccessFlags2 access, VkImageLayout layout = VK_IMAGE_LAYOUT_GENERAL);

void release_to_external(VkCommandBuffer cmd, VkBuffer buffer, core::QueueFamily family, VkPipelineStageFlags2 stage,
                         VkAccessFlags2 access);
// The same for a buffer (no layout).
void acquire_from_external(VkCommandBuffer cmd, VkBuffer buffer, core::QueueFamily family, VkPipelineStageFlags2 stage,
                           VkAccessFlags2 access);

// A newly created shared image: UNDEFINED → GENERAL, then released to CUDA. Its contents are undefined.
void prepare_for_external(VkCommandBuffer cmd, VkImage image, core::QueueFamily family);

} // namespace cuvk::interop
