#pragma once
// The frame handoff between Vulkan and CUDA, in one place. Shared images stay in VK_IMAGE_LAYOUT_GENERAL (CUDA
// knows no layouts); around CUDA's access Vulkan releases the resource to VK_QUEUE_FAMILY_EXTERNAL and acquires it
// back (Vulkan spec, "Queue Family Ownership Transfer": the external side is VK_QUEUE_FAMILY_EXTERNAL).

#include "core/types.hpp"

#include <vulkan/vulkan.h>

namespace cuvk::interop {

// After Vulkan's last access in (stage, access): hand `image` to CUDA.
void release_to_external(VkCommandBuffer cmd, VkImage image, core::QueueFamily family, VkPipelineStageFlags2 stage,
                         VkAccessFlags2 access);
// Before Vulkan's next access in (stage, access): take `image` back from CUDA.
void acquire_from_external(VkCommandBuffer cmd, VkImage image, core::QueueFamily family, VkPipelineStageFlags2 stage,
                           VkAccessFlags2 access);

void release_to_external(VkCommandBuffer cmd, VkBuffer buffer, core::QueueFamily family, VkPipelineStageFlags2 stage,
                         VkAccessFlags2 access);
void acquire_from_external(VkCommandBuffer cmd, VkBuffer buffer, core::QueueFamily family, VkPipelineStageFlags2 stage,
                           VkAccessFlags2 access);

// A newly created shared image: UNDEFINED → GENERAL, then released to CUDA. Its contents are undefined.
void prepare_for_external(VkCommandBuffer cmd, VkImage image, core::QueueFamily family);

} // namespace cuvk::interop
