// A fixture for the boundary scan's own test: render may not include CUDA, so the scan must reject this tree.
#include <cuda_runtime_api.h>
