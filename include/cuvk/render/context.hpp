#pragma once
// cuvk::render::Context — the Vulkan instance, debug messenger, chosen physical device, logical device and its one
// universal (graphics + compute + transfer) queue, on request a second queue for compute, and a queue of a
// transfer-only family (the copy engines) where the device has one.
//
// Owns: instance → messenger → device, destroyed in reverse. Everything created from it must be destroyed before
// it. Not movable: the debug messenger's callback points at the validation log inside it.
// Thread: the queue is externally synchronized; submit from one thread at a time.

#include "cuvk/core/log.hpp"
#include "cuvk/core/types.hpp"
#include "cuvk/render/handles.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>
#include <vulkan/vulkan.h>

namespace cuvk::render {

enum class Validation {
    off,      // no layer
    optional, // enable the Khronos validation layer when installed
    required, // fail context creation when it is not installed (tests)
};

using Uuid = std::array<std::uint8_t, VK_UUID_SIZE>;
std::string to_hex(const Uuid& uuid);

struct ContextInfo {
    std::string app_name = "cuvk";                       // reported to the driver
    Validation validation = Validation::optional;        // Khronos validation layer
    bool sync_validation = true;                         // also enable synchronization validation (missing barriers)
    std::vector<std::string> instance_extensions;        // e.g. what GLFW needs for a surface
    std::vector<std::string> required_device_extensions; // creation fails, naming them, when missing
    // Enabled when present; ask has_device_extension(). VK_EXT_calibrated_timestamps always is (render::Timestamps).
    std::vector<std::string> optional_device_extensions;
    std::string device;                    // "" = best (discrete first), else index, UUID hex or name
    core::LogFn log = core::log_to_stderr; // receives validation and driver messages
    bool compute_queue = false;            // also create a second queue (see Context::compute_queue)
    bool transfer_queue = true;            // also a queue of a transfer-only family, if any (Context::transfer_queue)
};

// One message the validation layer (or the loader, for errors) reported.
struct ValidationMessage {
    core::LogLevel level = core::LogLevel::warning;
    std::string id;   // VUID or message id name
    std::string text; // the full message
};

struct PhysicalDeviceSummary {
    std::uint32_t index = 0;
    std::string name;
    VkPhysicalDeviceType type = VK_PHYSICAL_DEVICE_TYPE_OTHER;
    Uuid uuid{};
    std::uint32_t api_version = 0;
    // PCI location from VK_EXT_pci_bus_info, when the driver offers it: independent evidence of which GPU this is.
    bool has_pci = false;
    std::uint32_t pci_domain = 0, pci_bus = 0, pci_device = 0;
};

struct MessengerDeleter {
    VkInstance instance = VK_NULL_HANDLE;
    PFN_vkDestroyDebugUtilsMessengerEXT destroy = nullptr;
    void operator()(VkDebugUtilsMessengerEXT messenger) const noexcept { destroy(instance, messenger, nullptr); }
};
using UniqueMessenger = core::Unique<VkDebugUtilsMessengerEXT, MessengerDeleter>;

class Context {
public:
    static std::unique_ptr<Context> create(ContextInfo info);
    ~Context(); // waits for the device to be idle first
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    VkInstance instance() const noexcept { return instance_.get(); }
    VkPhysicalDevice physical_device() const noexcept { return physical_device_; }
    VkDevice device() const noexcept { return device_.get(); }
    VkQueue queue() const noexcept { return queue_; }
    core::QueueFamily queue_family() const noexcept { return queue_family_; }
    // The second queue ContextInfo::compute_queue asked for: of a compute-only family where the device has one, else
    // a second queue of the universal family; VK_NULL_HANDLE when neither exists or none was asked for
    // (compute_queue_missing() then says why). Externally synchronized, like queue().
    VkQueue compute_queue() const noexcept { return compute_queue_; }
    core::QueueFamily compute_queue_family() const noexcept { return compute_queue_family_; }
    const std::string& compute_queue_missing() const noexcept { return compute_queue_missing_; }
    // A queue of a family that transfers but neither draws nor computes (NVIDIA's copy engines: uploads there run
    // beside the universal queue's work and beside CUDA's); VK_NULL_HANDLE where the device has no such family or
    // ContextInfo::transfer_queue was false. Externally synchronized, like queue().
    VkQueue transfer_queue() const noexcept { return transfer_queues_.empty() ? VK_NULL_HANDLE : transfer_queues_[0]; }
    core::QueueFamily transfer_queue_family() const noexcept { return transfer_queue_family_; } // if it has one
    // Every queue made of that family (up to two: the driver may run each on a copy engine of its own); the first is
    // transfer_queue().
    std::span<const VkQueue> transfer_queues() const noexcept { return transfer_queues_; }
    const VkPhysicalDeviceProperties& properties() const noexcept { return properties_; }
    const VkPhysicalDeviceLimits& limits() const noexcept { return properties_.limits; }
    const std::string& device_name() const noexcept { return device_name_; }
    // VkPhysicalDeviceIDProperties::deviceUUID: what interop matches against the CUDA device's UUID.
    const Uuid& device_uuid() const noexcept { return device_uuid_; }
    const PhysicalDeviceSummary& device_summary() const noexcept { return summary_; }
    bool has_device_extension(std::string_view name) const;
    bool validation_enabled() const noexcept { return validation_enabled_; }
    // shaderStorageImageWriteWithoutFormat is enabled: storage images of any storable format can be written.
    bool supports_storage_write_without_format() const noexcept { return storage_write_without_format_; }
    // shaderStorageImageReadWithoutFormat is enabled: storage images of any format can be read.
    bool supports_storage_read_without_format() const noexcept { return storage_read_without_format_; }
    // hostQueryReset (Vulkan 1.2) is enabled: queries can be reset from the host (vkResetQueryPool) instead of by a
    // command the GPU executes.
    bool supports_host_query_reset() const noexcept { return host_query_reset_; }
    const core::LogFn& log() const noexcept { return log_; }

    // Device-level entry point of an enabled extension; throws naming it when the driver does not provide it.
    PFN_vkVoidFunction device_proc(const char* name) const;

    // Applies a debug name (vkSetDebugUtilsObjectNameEXT) when debug utils are on; a no-op otherwise.
    void set_name(VkObjectType type, std::uint64_t handle, const std::string& name) const;
    template <class Handle> void set_name(VkObjectType type, Handle handle, const std::string& name) const {
        set_name(type, reinterpret_cast<std::uint64_t>(handle), name);
    }

    // Messages the debug messenger recorded (warnings and errors), oldest first.
    std::vector<ValidationMessage> validation_messages() const;
    std::vector<ValidationMessage> take_validation_messages();

    // Waits until the device is idle; used in teardown and by tests.
    void wait_idle() const;

    // Called by the debug messenger; public only so that the C callback can reach it.
    void record_message(ValidationMessage message);

    // Timeline values the host has seen reached: its own signals (render::signal_from_host) and counter reads
    // (render::counter_value). The validation layer of Vulkan SDK 1.3.239 keeps a host signal made while submissions
    // wait on the semaphore, and the value a counter read finds signalled by another API (CUDA), as signal operations
    // pending for ever, and then reports every higher host signal as passing them
    // (VUID-VkSemaphoreSignalInfo-value-03259) — though a value the counter has reached cannot be pending. Such a
    // report, naming a value at or below what this context saw reached on that semaphore, is dropped (logged at debug
    // level) rather than recorded (tests/render/host_signal_test.cpp shows the layer doing it). Thread-safe.
    void note_reached(VkSemaphore semaphore, std::uint64_t value) const;
    std::optional<std::uint64_t> reached(std::uint64_t semaphore) const;
    void forget_reached(VkSemaphore semaphore) const noexcept; // before the semaphore is destroyed

private:
    Context() = default;

    core::LogFn log_;
    mutable std::mutex messages_mutex_;
    std::vector<ValidationMessage> messages_;
    mutable std::vector<std::pair<std::uint64_t, std::uint64_t>> reached_; // (semaphore, highest value seen reached)

    // Creation order; destroyed in reverse (device, then messenger, then instance). The message log above them
    // outlives the messenger, which may still report while the device is destroyed.
    UniqueInstance instance_;
    UniqueMessenger messenger_;
    VkPhysicalDevice physical_device_ = VK_NULL_HANDLE;
    UniqueDevice device_;

    VkQueue queue_ = VK_NULL_HANDLE;
    core::QueueFamily queue_family_;
    VkQueue compute_queue_ = VK_NULL_HANDLE;
    core::QueueFamily compute_queue_family_;
    std::string compute_queue_missing_ = "no second queue was asked for";
    std::vector<VkQueue> transfer_queues_;
    core::QueueFamily transfer_queue_family_;
    VkPhysicalDeviceProperties properties_{};
    std::string device_name_;
    Uuid device_uuid_{};
    PhysicalDeviceSummary summary_;
    std::vector<std::string> device_extensions_;
    bool validation_enabled_ = false;
    bool storage_write_without_format_ = false;
    bool storage_read_without_format_ = false;
    bool host_query_reset_ = false;
    PFN_vkSetDebugUtilsObjectNameEXT set_object_name_ = nullptr;
};

// Every Vulkan physical device visible through the loader, in enumeration order (for --list-devices and pairing).
std::vector<PhysicalDeviceSummary> list_physical_devices(VkInstance instance);

// Picks the device a selector names: "" = best (discrete > integrated > virtual > cpu), a decimal index, a UUID in
// hex (dashes allowed) or a case-insensitive substring of the name. Throws a usage error listing the devices.
std::uint32_t select_physical_device(const std::vector<PhysicalDeviceSummary>& devices, const std::string& selector);

} // namespace cuvk::render
