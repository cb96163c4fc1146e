// A fixture for the boundary scan's own test: compute may not include Vulkan, so the scan must reject this tree.
#include <vulkan/vulkan.h>
