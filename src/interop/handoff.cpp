#include "cuvk/interop/handoff.hpp"

#include "cuvk/render/image.hpp"

namespace cuvk::interop {
namespace {

void buffer_barrier(VkCommandBuffer cmd, VkBuffer buffer, std::uint32_t src_family, std::uint32_t dst_family,
                    VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access, VkPipelineStageFlags2 dst_stage,
                    VkAccessFlags2 dst_access) {
    const VkBufferMemoryBarrier2 barrier{.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
                                         .srcStageMask = src_stage,
                                         .srcAccessMask = src_access,
                                         .dstStageMask = dst_stage,
                                         .dstAccessMask = dst_access,
                                         .srcQueueFamilyIndex = src_family,
                                         .dstQueueFamilyIndex = dst_family,
                                         .buffer = buffer,
                                         .offset = 0,
                                         .size = VK_WHOLE_SIZE};
    const VkDependencyInfo dep{
        .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO, .bufferMemoryBarrierCount = 1, .pBufferMemoryBarriers = &barrier};
    vkCmdPipelineBarrier2(cmd, &dep);
}

} // namespace

// A release's destination scope and an acquire's source access are ignored for ownership transfers (spec). An
// acquire's source *stage* still matters: it is what orders the barrier (and a layout change) after the semaphore
// wait that made CUDA's writes available, so it is the acquiring stage itself.
void release_to_external(VkCommandBuffer cmd, VkImage image, core::QueueFamily family, VkPipelineStageFlags2 stage,
                         VkAccessFlags2 access, VkImageLayout layout) {
    render::record_barrier(cmd, {.image = image,
                                 .src_stage = stage,
                                 .src_access = access,
                                 .old_layout = layout,
                                 .new_layout = VK_IMAGE_LAYOUT_GENERAL,
                                 .src_family = family.index,
                                 .dst_family = VK_QUEUE_FAMILY_EXTERNAL});
}

void acquire_from_external(VkCommandBuffer cmd, VkImage image, core::QueueFamily family, VkPipelineStageFlags2 stage,
                           VkAccessFlags2 access, VkImageLayout layout) {
    render::record_barrier(cmd, {.image = image,
                                 .src_stage = stage,
                                 .dst_stage = stage,
                                 .dst_access = access,
                                 .old_layout = VK_IMAGE_LAYOUT_GENERAL,
                                 .new_layout = layout,
                                 .src_family = VK_QUEUE_FAMILY_EXTERNAL,
                                 .dst_family = family.index});
}

void release_to_external(VkCommandBuffer cmd, VkBuffer buffer, core::QueueFamily family, VkPipelineStageFlags2 stage,
                         VkAccessFlags2 access) {
    buffer_barrier(cmd, buffer, family.index, VK_QUEUE_FAMILY_EXTERNAL, stage, access, VK_PIPELINE_STAGE_2_NONE,
                   VK_ACCESS_2_NONE);
}

void acquire_from_external(VkCommandBuffer cmd, VkBuffer buffer, core::QueueFamily family, VkPipelineStageFlags2 stage,
                           VkAccessFlags2 access) {
    buffer_barrier(cmd, buffer, VK_QUEUE_FAMILY_EXTERNAL, family.index, stage, VK_ACCESS_2_NONE, stage, access);
}

void prepare_for_external(VkCommandBuffer cmd, VkImage image, core::QueueFamily family) {
    render::record_barrier(cmd, {.image = image,
                                 .dst_stage = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                                 .dst_access = VK_ACCESS_2_MEMORY_READ_BIT | VK_ACCESS_2_MEMORY_WRITE_BIT,
                                 .old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
                                 .new_layout = VK_IMAGE_LAYOUT_GENERAL});
    release_to_external(cmd, image, family, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                        VK_ACCESS_2_MEMORY_READ_BIT | VK_ACCESS_2_MEMORY_WRITE_BIT);
}

} // namespace cuvk::interop
