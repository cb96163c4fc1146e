#include "cuvk/render/context.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/render/check.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

namespace cuvk::render {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

// What a user without a working Vulkan driver needs to read, in one line (after what was seen).
std::string no_driver(const std::string& seen) {
    return "no Vulkan driver or device was found (" + seen +
           "): install a Vulkan 1.3 driver (Debian: mesa-vulkan-drivers for lavapipe on the CPU, or the GPU vendor's "
           "driver) and check VK_DRIVER_FILES and VK_ICD_FILENAMES if they are set";
}

bool has_layer(const char* name) {
    std::uint32_t count = 0;
    CUVK_VK(vkEnumerateInstanceLayerProperties(&count, nullptr), "instance layers");
    std::vector<VkLayerProperties> layers(count);
    CUVK_VK(vkEnumerateInstanceLayerProperties(&count, layers.data()), "instance layers");
    return std::any_of(layers.begin(), layers.end(),
                       [&](const VkLayerProperties& l) { return std::strcmp(l.layerName, name) == 0; });
}

std::vector<std::string> instance_extensions_of(const char* layer) {
    std::uint32_t count = 0;
    CUVK_VK(vkEnumerateInstanceExtensionProperties(layer, &count, nullptr), "instance extensions");
    std::vector<VkExtensionProperties> props(count);
    CUVK_VK(vkEnumerateInstanceExtensionProperties(layer, &count, props.data()), "instance extensions");
    std::vector<std::string> names;
    for (const auto& p : props)
        names.emplace_back(p.extensionName);
    return names;
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// The layer's report that a host signal passes a pending signal operation whose value the host has already seen
// reached on that semaphore (Context::note_reached says why that is the layer's mistake).
bool is_stale_host_signal_report(const Context& ctx, const ValidationMessage& message,
                                 const VkDebugUtilsMessengerCallbackDataEXT* data) {
    if (message.id != "VUID-VkSemaphoreSignalInfo-value-03259" || data->objectCount < 1 ||
        data->pObjects[0].objectType != VK_OBJECT_TYPE_SEMAPHORE)
        return false;
    constexpr std::string_view kPending = "pending signal operation (";
    const auto at = message.text.find(kPending);
    if (at == std::string::npos)
        return false;
    const char* first = message.text.data() + at + kPending.size();
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(first, message.text.data() + message.text.size(), value);
    if (ec != std::errc{} || *end != ')')
        return false;
    const auto reached = ctx.reached(data->pObjects[0].objectHandle);
    return reached && value <= *reached;
}

VKAPI_ATTR VkBool32 VKAPI_CALL on_debug_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                VkDebugUtilsMessageTypeFlagsEXT types,
                                                const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
    // The loader reports general warnings about its own set-up (ICD search paths); only errors of that kind count.
    const bool is_error = severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    if ((types & ~VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT) == 0 && !is_error)
        return VK_FALSE;
    ValidationMessage message{
        .level = is_error ? core::LogLevel::error : core::LogLevel::warning,
        .id = data->pMessageIdName ? data->pMessageIdName : "",
        .text = data->pMessage ? data->pMessage : "",
    };
    auto* ctx = static_cast<Context*>(user);
    if (is_stale_host_signal_report(*ctx, message, data)) {
        if (ctx->log())
            ctx->log()(core::LogLevel::debug, "validation layer (a host signal it keeps pending): " + message.text);
        return VK_FALSE;
    }
    ctx->record_message(std::move(message));
    return VK_FALSE; // never abort the call: the test or app decides what a message means
}

// The messenger chained into vkCreateInstance and vkDestroyInstance. There the loader reports its search for drivers
// (missing manifests, drivers that failed to load): diagnostics for --verbose, not messages about this program's use
// of Vulkan. They go to the log callback at debug level — never straight to the terminal — and, when creation fails,
// the error says what it means in one line. Validation messages are recorded as usual.
VKAPI_ATTR VkBool32 VKAPI_CALL on_instance_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                   VkDebugUtilsMessageTypeFlagsEXT types,
                                                   const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
    if (types & ~VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT)
        return on_debug_message(severity, types, data, user);
    const auto& log = static_cast<const Context*>(user)->log();
    if (log && data->pMessage)
        log(core::LogLevel::debug, std::string("Vulkan loader: ") + data->pMessage);
    return VK_FALSE;
}

int type_rank(VkPhysicalDeviceType type) {
    switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
        return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
        return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
        return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
        return 3;
    default:
        return 4;
    }
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::string describe(const std::vector<PhysicalDeviceSummary>& devices) {
    std::string out;
    for (const auto& d : devices)
        out += (out.empty() ? "" : ", ") + std::to_string(d.index) + ": " + d.name + " (" + to_hex(d.uuid) + ")";
    return out.empty() ? "none" : out;
}

std::vector<std::string> device_extensions_of(VkPhysicalDevice device) {
    std::uint32_t count = 0;
    CUVK_VK(vkEnumerateDeviceExtensionProperties(device, nullptr, &count, nullptr), "device extensions");
    std::vector<VkExtensionProperties> props(count);
    CUVK_VK(vkEnumerateDeviceExtensionProperties(device, nullptr, &count, props.data()), "device extensions");
    std::vector<std::string> names;
    for (const auto& p : props)
        names.emplace_back(p.extensionName);
    return names;
}

} // namespace

std::string to_hex(const Uuid& uuid) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < uuid.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out += '-';
        out += kDigits[uuid[i] >> 4];
        out += kDigits[uuid[i] & 15];
    }
    return out;
}

std::vector<PhysicalDeviceSummary> list_physical_devices(VkInstance instance) {
    std::uint32_t count = 0;
    CUVK_VK(vkEnumeratePhysicalDevices(instance, &count, nullptr), "physical devices");
    std::vector<VkPhysicalDevice> handles(count);
    CUVK_VK(vkEnumeratePhysicalDevices(instance, &count, handles.data()), "physical devices");
    std::vector<PhysicalDeviceSummary> out;
    for (std::uint32_t i = 0; i < count; ++i) {
        const bool has_pci = contains(device_extensions_of(handles[i]), VK_EXT_PCI_BUS_INFO_EXTENSION_NAME);
        VkPhysicalDevicePCIBusInfoPropertiesEXT pci{.sType =
                                                        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PCI_BUS_INFO_PROPERTIES_EXT};
        VkPhysicalDeviceIDProperties id{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES,
                                        .pNext = has_pci ? &pci : nullptr};
        VkPhysicalDeviceProperties2 props{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &id};
        vkGetPhysicalDeviceProperties2(handles[i], &props);
        PhysicalDeviceSummary s{.index = i,
                                .name = props.properties.deviceName,
                                .type = props.properties.deviceType,
                                .api_version = props.properties.apiVersion,
                                .has_pci = has_pci,
                                .pci_domain = pci.pciDomain,
                                .pci_bus = pci.pciBus,
                                .pci_device = pci.pciDevice};
        std::copy(std::begin(id.deviceUUID), std::end(id.deviceUUID), s.uuid.begin());
        out.push_back(std::move(s));
    }
    return out;
}

std::uint32_t select_physical_device(const std::vector<PhysicalDeviceSummary>& devices, const std::string& selector) {
    if (devices.empty())
        core::fail(no_driver("the loader lists no physical device"));
    if (selector.empty()) {
        const auto best = std::min_element(devices.begin(), devices.end(), [](const auto& a, const auto& b) {
            return type_rank(a.type) < type_rank(b.type);
        });
        return best->index;
    }
    if (std::all_of(selector.begin(), selector.end(), [](unsigned char c) { return std::isdigit(c); }) &&
        selector.size() < 4) {
        const auto index = std::uint32_t(std::stoul(selector));
        if (index < devices.size())
            return index;
        core::fail_usage("--device " + selector + ": no Vulkan device with that index; devices: " + describe(devices));
    }
    std::string wanted = lower(selector);
    std::erase(wanted, '-');
    for (const auto& d : devices) {
        std::string uuid = to_hex(d.uuid);
        std::erase(uuid, '-');
        if (uuid == wanted)
            return d.index;
    }
    std::vector<std::uint32_t> matches;
    for (const auto& d : devices)
        if (lower(d.name).find(lower(selector)) != std::string::npos)
            matches.push_back(d.index);
    if (matches.size() == 1)
        return matches.front();
    core::fail_usage("--device " + selector + (matches.empty() ? ": matches no Vulkan device" : ": is ambiguous") +
                     "; devices: " + describe(devices));
}

std::unique_ptr<Context> Context::create(ContextInfo info) {
    std::unique_ptr<Context> ctx(new Context());
    ctx->log_ = info.log ? std::move(info.log) : core::LogFn(core::log_to_stderr);

    std::uint32_t loader_version = 0;
    CUVK_VK(vkEnumerateInstanceVersion(&loader_version), "loader");
    if (loader_version < VK_API_VERSION_1_3)
        core::fail("the Vulkan loader supports only " + std::to_string(VK_API_VERSION_MAJOR(loader_version)) + "." +
                   std::to_string(VK_API_VERSION_MINOR(loader_version)) + "; cuvk needs Vulkan 1.3");

    // Instance: layers and extensions.
    std::vector<const char*> layers;
    std::vector<std::string> instance_exts = info.instance_extensions;
    const auto available = instance_extensions_of(nullptr);
    const bool want_validation = info.validation != Validation::off;
    bool validation = false;
    if (want_validation) {
        if (has_layer(kValidationLayer)) {
            validation = true;
            layers.push_back(kValidationLayer);
        } else if (info.validation == Validation::required) {
            core::fail(std::string("the Khronos validation layer ") + kValidationLayer +
                       " is not installed (Debian: vulkan-validationlayers)");
        }
    }
    const bool debug_utils = contains(available, VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    if (debug_utils)
        instance_exts.emplace_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    const bool sync_validation =
        validation && info.sync_validation &&
        contains(instance_extensions_of(kValidationLayer), VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME);
    if (sync_validation)
        instance_exts.emplace_back(VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME);
    for (const auto& e : info.instance_extensions)
        if (!contains(available, e))
            core::fail("the Vulkan instance extension " + e + " is not available");

    std::vector<const char*> instance_ext_ptrs;
    for (const auto& e : instance_exts)
        instance_ext_ptrs.push_back(e.c_str());

    const VkApplicationInfo app{.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
                                .pApplicationName = info.app_name.c_str(),
                                .applicationVersion = 1,
                                .pEngineName = "cuvk",
                                .engineVersion = 1,
                                .apiVersion = VK_API_VERSION_1_3};
    const VkValidationFeatureEnableEXT enables[] = {VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
    const VkValidationFeaturesEXT features{.sType = VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT,
                                           .enabledValidationFeatureCount = 1,
                                           .pEnabledValidationFeatures = enables};
    VkDebugUtilsMessengerCreateInfoEXT messenger_info{
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .pNext = sync_validation ? &features : nullptr,
        .messageSeverity =
            VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
        .pfnUserCallback = on_instance_message,
        .pUserData = ctx.get()};
    const void* instance_next = debug_utils ? static_cast<const void*>(&messenger_info)
                                            : (sync_validation ? static_cast<const void*>(&features) : nullptr);
    const VkInstanceCreateInfo instance_info{.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
                                             .pNext = instance_next,
                                             .pApplicationInfo = &app,
                                             .enabledLayerCount = std::uint32_t(layers.size()),
                                             .ppEnabledLayerNames = layers.data(),
                                             .enabledExtensionCount = std::uint32_t(instance_ext_ptrs.size()),
                                             .ppEnabledExtensionNames = instance_ext_ptrs.data()};
    VkInstance instance = VK_NULL_HANDLE;
    const VkResult created = vkCreateInstance(&instance_info, nullptr, &instance);
    ctx->instance_ = UniqueInstance(instance); // owned before anything can throw (null when creation failed)
    // The loader returns VK_ERROR_INCOMPATIBLE_DRIVER when it finds no driver at all (or none it can use).
    if (created == VK_ERROR_INCOMPATIBLE_DRIVER)
        core::fail(no_driver("vkCreateInstance: VK_ERROR_INCOMPATIBLE_DRIVER"));
    CUVK_VK(created, "instance");
    ctx->validation_enabled_ = validation;

    if (debug_utils) {
        auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT"));
        auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT"));
        if (create && destroy) {
            messenger_info.pNext = nullptr;
            messenger_info.pfnUserCallback = on_debug_message;
            VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
            CUVK_VK(create(instance, &messenger_info, nullptr, &messenger), "debug messenger");
            ctx->messenger_ = UniqueMessenger(messenger, MessengerDeleter{instance, destroy});
        }
    }

    // Physical device.
    const auto devices = list_physical_devices(instance);
    const std::uint32_t chosen = select_physical_device(devices, info.device);
    std::uint32_t count = 0;
    CUVK_VK(vkEnumeratePhysicalDevices(instance, &count, nullptr), "physical devices");
    std::vector<VkPhysicalDevice> handles(count);
    CUVK_VK(vkEnumeratePhysicalDevices(instance, &count, handles.data()), "physical devices");
    VkPhysicalDevice physical = handles.at(chosen);
    const auto& summary = devices[chosen];
    if (summary.api_version < VK_API_VERSION_1_3)
        core::fail("the Vulkan device supports only Vulkan " +
                       std::to_string(VK_API_VERSION_MAJOR(summary.api_version)) + "." +
                       std::to_string(VK_API_VERSION_MINOR(summary.api_version)) + "; cuvk needs 1.3",
                   summary.name);
    ctx->physical_device_ = physical;
    ctx->device_name_ = summary.name;
    ctx->device_uuid_ = summary.uuid;
    ctx->summary_ = summary;
    vkGetPhysicalDeviceProperties(physical, &ctx->properties_);

    // Queue family: one that does graphics and compute (transfer is implied).
    std::uint32_t family_count = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &family_count, nullptr);
    std::vector<VkQueueFamilyProperties> families(family_count);
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &family_count, families.data());
    std::uint32_t family = UINT32_MAX;
    for (std::uint32_t i = 0; i < family_count; ++i) {
        const auto need = VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT;
        if ((families[i].queueFlags & need) == need) {
            family = i;
            break;
        }
    }
    if (family == UINT32_MAX)
        core::fail("no queue family does both graphics and compute", summary.name);
    ctx->queue_family_ = {family};

    // A second queue for work beside the universal one (cuvk-stress's compute and two-queue consumers): a family
    // with compute but no graphics (the asynchronous compute engine) when there is one, else a second queue of the
    // universal family, else none.
    std::uint32_t compute_family = UINT32_MAX, compute_index = 0;
    if (info.compute_queue) {
        for (std::uint32_t i = 0; i < family_count && compute_family == UINT32_MAX; ++i)
            if ((families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) && !(families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) &&
                families[i].queueCount > 0)
                compute_family = i;
        if (compute_family == UINT32_MAX && families[family].queueCount > 1) {
            compute_family = family;
            compute_index = 1;
        }
        if (compute_family == UINT32_MAX)
            ctx->compute_queue_missing_ = "the device offers one queue only (no compute-only family, and its "
                                          "graphics family has a single queue)";
    }

    // Device extensions and features.
    const auto device_available = device_extensions_of(physical);
    std::vector<std::string> missing;
    for (const auto& e : info.required_device_extensions) {
        if (contains(device_available, e))
            ctx->device_extensions_.push_back(e);
        else
            missing.push_back(e);
    }
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing)
            list += (list.empty() ? "" : ", ") + m;
        core::fail("the Vulkan device lacks required extension(s): " + list, summary.name);
    }
    std::vector<std::string> optional = info.optional_device_extensions;
    optional.emplace_back(VK_EXT_CALIBRATED_TIMESTAMPS_EXTENSION_NAME); // Timestamps on the host's clock
    for (const auto& e : optional)
        if (contains(device_available, e) && !contains(ctx->device_extensions_, e))
            ctx->device_extensions_.push_back(e);
    std::vector<const char*> device_ext_ptrs;
    for (const auto& e : ctx->device_extensions_)
        device_ext_ptrs.push_back(e.c_str());

    VkPhysicalDeviceVulkan13Features have13{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
    VkPhysicalDeviceVulkan12Features have12{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
                                            .pNext = &have13};
    VkPhysicalDeviceFeatures2 have{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &have12};
    vkGetPhysicalDeviceFeatures2(physical, &have);
    if (!have12.timelineSemaphore)
        core::fail("the Vulkan device does not support timeline semaphores", summary.name);
    if (!have13.synchronization2)
        core::fail("the Vulkan device does not support synchronization2", summary.name);
    if (!have13.dynamicRendering)
        core::fail("the Vulkan device does not support dynamic rendering", summary.name);

    VkPhysicalDeviceVulkan13Features want13{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
                                            .synchronization2 = VK_TRUE,
                                            .dynamicRendering = VK_TRUE};
    // hostQueryReset where offered: render::Timestamps resets its queries from the host rather than on the GPU
    // (vkCmdResetQueryPool cost ~3 µs per frame on the H200, ~1 µs of it inside the draw's own timestamps).
    VkPhysicalDeviceVulkan12Features want12{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
                                            .pNext = &want13,
                                            .hostQueryReset = have12.hostQueryReset,
                                            .timelineSemaphore = VK_TRUE};
    VkPhysicalDeviceFeatures2 want{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &want12};
    // Core features that later passes use when the device has them.
    want.features.shaderStorageImageWriteWithoutFormat = have.features.shaderStorageImageWriteWithoutFormat;
    want.features.shaderStorageImageReadWithoutFormat = have.features.shaderStorageImageReadWithoutFormat;
    want.features.largePoints = have.features.largePoints;
    want.features.fillModeNonSolid = have.features.fillModeNonSolid;
    ctx->storage_write_without_format_ = have.features.shaderStorageImageWriteWithoutFormat == VK_TRUE;
    ctx->storage_read_without_format_ = have.features.shaderStorageImageReadWithoutFormat == VK_TRUE;
    ctx->host_query_reset_ = have12.hostQueryReset == VK_TRUE;

    // The copy engines: a family with transfer and neither graphics nor compute.
    std::uint32_t transfer_family = UINT32_MAX;
    for (std::uint32_t i = 0; info.transfer_queue && i < family_count && transfer_family == UINT32_MAX; ++i)
        if ((families[i].queueFlags & (VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT)) ==
                VK_QUEUE_TRANSFER_BIT &&
            families[i].queueCount > 0)
            transfer_family = i;

    const float priorities[2] = {1.0f, 1.0f};
    std::vector<VkDeviceQueueCreateInfo> queue_infos{{.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
                                                      .queueFamilyIndex = family,
                                                      .queueCount = compute_family == family ? 2u : 1u,
                                                      .pQueuePriorities = priorities}};
    const std::uint32_t transfer_count =
        transfer_family == UINT32_MAX ? 0 : std::min(families[transfer_family].queueCount, 2u);
    for (const std::uint32_t other : {compute_family, transfer_family})
        if (other != UINT32_MAX && other != family)
            queue_infos.push_back({.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
                                   .queueFamilyIndex = other,
                                   .queueCount = other == transfer_family ? transfer_count : 1u,
                                   .pQueuePriorities = priorities});
    const VkDeviceCreateInfo device_info{.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
                                         .pNext = &want,
                                         .queueCreateInfoCount = std::uint32_t(queue_infos.size()),
                                         .pQueueCreateInfos = queue_infos.data(),
                                         .enabledExtensionCount = std::uint32_t(device_ext_ptrs.size()),
                                         .ppEnabledExtensionNames = device_ext_ptrs.data()};
    VkDevice device = VK_NULL_HANDLE;
    CUVK_VK(vkCreateDevice(physical, &device_info, nullptr, &device), summary.name);
    ctx->device_ = UniqueDevice(device);
    vkGetDeviceQueue(device, family, 0, &ctx->queue_);
    if (compute_family != UINT32_MAX) {
        vkGetDeviceQueue(device, compute_family, compute_index, &ctx->compute_queue_);
        ctx->compute_queue_family_ = {compute_family};
    }
    for (std::uint32_t i = 0; i < transfer_count; ++i) {
        VkQueue queue = VK_NULL_HANDLE;
        vkGetDeviceQueue(device, transfer_family, i, &queue);
        ctx->transfer_queues_.push_back(queue);
        ctx->transfer_queue_family_ = {transfer_family};
    }

    if (debug_utils)
        ctx->set_object_name_ = reinterpret_cast<PFN_vkSetDebugUtilsObjectNameEXT>(
            vkGetInstanceProcAddr(instance, "vkSetDebugUtilsObjectNameEXT"));
    return ctx;
}

bool Context::has_device_extension(std::string_view name) const {
    return contains(device_extensions_, name);
}

PFN_vkVoidFunction Context::device_proc(const char* name) const {
    auto fn = vkGetDeviceProcAddr(device_.get(), name);
    if (!fn)
        core::fail(std::string("the Vulkan driver does not provide ") + name, device_name_);
    return fn;
}

void Context::set_name(VkObjectType type, std::uint64_t handle, const std::string& name) const {
    if (!set_object_name_ || name.empty())
        return;
    const VkDebugUtilsObjectNameInfoEXT info{.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_OBJECT_NAME_INFO_EXT,
                                             .objectType = type,
                                             .objectHandle = handle,
                                             .pObjectName = name.c_str()};
    // A debugging aid: its failure must neither fail nor leak the object being named (callers name an object before
    // its owner takes it), so the result is ignored.
    (void)set_object_name_(device_.get(), &info);
}

void Context::record_message(ValidationMessage message) {
    if (log_)
        log_(message.level, message.text);
    std::lock_guard lock(messages_mutex_);
    messages_.push_back(std::move(message));
}

void Context::note_reached(VkSemaphore semaphore, std::uint64_t value) const {
    const auto handle = reinterpret_cast<std::uint64_t>(semaphore);
    std::lock_guard lock(messages_mutex_);
    for (auto& [h, v] : reached_)
        if (h == handle) {
            v = std::max(v, value);
            return;
        }
    reached_.emplace_back(handle, value); // one per live semaphore signalled from the host (forget_reached)
}

void Context::forget_reached(VkSemaphore semaphore) const noexcept {
    const auto handle = reinterpret_cast<std::uint64_t>(semaphore);
    std::lock_guard lock(messages_mutex_);
    std::erase_if(reached_, [&](const auto& e) { return e.first == handle; });
}

std::optional<std::uint64_t> Context::reached(std::uint64_t semaphore) const {
    std::lock_guard lock(messages_mutex_);
    for (const auto& [h, v] : reached_)
        if (h == semaphore)
            return v;
    return std::nullopt;
}

std::vector<ValidationMessage> Context::validation_messages() const {
    std::lock_guard lock(messages_mutex_);
    return messages_;
}

std::vector<ValidationMessage> Context::take_validation_messages() {
    std::lock_guard lock(messages_mutex_);
    return std::exchange(messages_, {});
}

Context::~Context() {
    // Everything made from this device must be gone (or leaked on purpose) by now; wait so that no queued work still
    // refers to the device as it is destroyed. Errors are ignored: a lost device is destroyed all the same.
    if (device_)
        (void)vkDeviceWaitIdle(device_.get());
}

void Context::wait_idle() const {
    CUVK_VK(vkDeviceWaitIdle(device_.get()), device_name_);
}

} // namespace cuvk::render
