#pragma once
// Owners of Vulkan handles: core::Unique with a deleter per handle kind. A device child's deleter carries its VkDevice.

#include "cuvk/core/unique.hpp"

#include <vulkan/vulkan.h>

namespace cuvk::render {

template <class Handle, void (*Destroy)(VkDevice, Handle, const VkAllocationCallbacks*)> struct DeviceChildDeleter {
    VkDevice device = VK_NULL_HANDLE;
    void operator()(Handle handle) const noexcept { Destroy(device, handle, nullptr); }
};

struct InstanceDeleter {
    void operator()(VkInstance instance) const noexcept { vkDestroyInstance(instance, nullptr); }
};
struct DeviceDeleter {
    void operator()(VkDevice device) const noexcept { vkDestroyDevice(device, nullptr); }
};

using UniqueInstance = core::Unique<VkInstance, InstanceDeleter>;
using UniqueDevice = core::Unique<VkDevice, DeviceDeleter>;
using UniqueBuffer = core::Unique<VkBuffer, DeviceChildDeleter<VkBuffer, vkDestroyBuffer>>;
using UniqueImage = core::Unique<VkImage, DeviceChildDeleter<VkImage, vkDestroyImage>>;
using UniqueImageView = core::Unique<VkImageView, DeviceChildDeleter<VkImageView, vkDestroyImageView>>;
using UniqueMemory = core::Unique<VkDeviceMemory, DeviceChildDeleter<VkDeviceMemory, vkFreeMemory>>;
using UniqueSemaphore = core::Unique<VkSemaphore, DeviceChildDeleter<VkSemaphore, vkDestroySemaphore>>;
using UniqueFence = core::Unique<VkFence, DeviceChildDeleter<VkFence, vkDestroyFence>>;
using UniqueCommandPool = core::Unique<VkCommandPool, DeviceChildDeleter<VkCommandPool, vkDestroyCommandPool>>;
using UniqueSampler = core::Unique<VkSampler, DeviceChildDeleter<VkSampler, vkDestroySampler>>;
using UniqueBufferView = core::Unique<VkBufferView, DeviceChildDeleter<VkBufferView, vkDestroyBufferView>>;
using UniqueShaderModule = core::Unique<VkShaderModule, DeviceChildDeleter<VkShaderModule, vkDestroyShaderModule>>;
using UniquePipeline = core::Unique<VkPipeline, DeviceChildDeleter<VkPipeline, vkDestroyPipeline>>;
using UniquePipelineLayout =
    core::Unique<VkPipelineLayout, DeviceChildDeleter<VkPipelineLayout, vkDestroyPipelineLayout>>;
using UniqueDescriptorSetLayout =
    core::Unique<VkDescriptorSetLayout, DeviceChildDeleter<VkDescriptorSetLayout, vkDestroyDescriptorSetLayout>>;
using UniqueDescriptorPool =
    core::Unique<VkDescriptorPool, DeviceChildDeleter<VkDescriptorPool, vkDestroyDescriptorPool>>;

} // namespace cuvk::render
