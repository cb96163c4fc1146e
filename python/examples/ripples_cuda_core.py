"""Ripples from a kernel compiled at run time by cuda.core's Program (NVRTC), launched on cuvk's stream into the
frame's memory, which cuda.core sees through a StridedMemoryView (DLPack, ordered on the stream).

    CUVK_LIBRARY=build/libcuvk.so python3 python/examples/ripples_cuda_core.py [--size 1920x1080] [--frames 600]
        [--out ripples.png] [--viewer [--headless]]
"""

import numpy as np

try:  # cuda.core 1.x; older releases kept it under experimental
    from cuda.core import Device, LaunchConfig, Program, ProgramOptions, launch
    from cuda.core.utils import StridedMemoryView
except ImportError:
    from cuda.core.experimental import Device, LaunchConfig, Program, ProgramOptions, launch
    from cuda.core.experimental.utils import StridedMemoryView

from _run import parser, run

SOURCE = r"""
extern "C" __global__ void ripples(unsigned int* rows, unsigned long long pitch, int w, int h, float t, float waves) {
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    float sum = 0.0f;
    for (int i = 0; i < 3; ++i) {  // three drops wandering over the frame
        float cx = w * (0.5f + 0.3f * __cosf(t * (0.4f + 0.2f * i) + 2.1f * i));
        float cy = h * (0.5f + 0.3f * __sinf(t * (0.5f + 0.1f * i) + 1.3f * i));
        float d = sqrtf((x - cx) * (x - cx) + (y - cy) * (y - cy)) / h;
        sum += __sinf(d * waves - t * 6.0f) / (1.0f + 8.0f * d);
    }
    float v = fminf(fmaxf(0.5f + 0.35f * sum, 0.0f), 1.0f);
    unsigned int r = (unsigned int)(40.0f + 60.0f * v), g = (unsigned int)(90.0f + 120.0f * v);
    unsigned int b = (unsigned int)(140.0f + 115.0f * v);
    unsigned int* row = (unsigned int*)((char*)rows + y * pitch);
    row[x] = r | g << 8 | b << 16 | 0xff000000u;
}
"""


class CuvkStream:
    """cuvk's stream (a cudaStream_t as an int) for cuda.core, through the __cuda_stream__ protocol."""

    def __init__(self, handle: int):
        self.handle = handle

    def __cuda_stream__(self):
        return (0, self.handle)


class Ripples:
    def __init__(self):
        self.kernel = None

    def __call__(self, frame):
        out = frame.outputs[0]
        if out.is_host:
            raise SystemExit("ripples_cuda_core: the frame is host memory (cpu backend): run it on interop or staging")
        if self.kernel is None:  # compiled for the frame's device, in the runtime's primary context
            device = Device(out.device)
            device.set_current()
            program = Program(SOURCE, code_type="c++",
                              options=ProgramOptions(arch=f"sm_{device.arch}", use_fast_math=True))
            self.kernel = program.compile("cubin").get_kernel("ripples")
        view = StridedMemoryView(out, stream_ptr=frame.stream)  # the slot's memory, no copy
        config = LaunchConfig(grid=((out.width + 15) // 16, (out.height + 15) // 16), block=(16, 16))
        launch(CuvkStream(frame.stream), config, self.kernel, np.uint64(view.ptr), np.uint64(out.pitch),
               np.int32(out.width), np.int32(out.height), np.float32(frame.time), np.float32(frame.params[0]))


if __name__ == "__main__":
    args = parser(__doc__, out="ripples.png").parse_args()
    run("ripples-cuda-core", args, Ripples(), {"waves": (60.0, 5.0, 200.0)})
