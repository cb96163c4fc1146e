"""A plasma written by a CuPy RawKernel straight into cuvk's frame memory on cuvk's stream (interop or staging).

    CUVK_LIBRARY=build/libcuvk.so python3 python/examples/plasma_cupy.py [--size 1920x1080] [--frames 600]
        [--out plasma.png] [--viewer [--headless]]
"""

import cupy as cp

from _run import parser, run

PLASMA = cp.RawKernel(r"""
extern "C" __global__ void plasma(unsigned int* rows, unsigned long long pitch, int w, int h, float t, float scale) {
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    float u = x / (float)w * scale, v = y / (float)h * scale;
    float s = sinf(u + t) + sinf(v * 0.7f - t * 1.3f) + sinf((u + v) * 0.5f + t * 0.7f) + sinf(sqrtf(u * u + v * v));
    unsigned int r = (unsigned int)(127.5f + 127.5f * sinf(s * 3.14159f));
    unsigned int g = (unsigned int)(127.5f + 127.5f * sinf(s * 3.14159f + 2.094f));
    unsigned int b = (unsigned int)(127.5f + 127.5f * sinf(s * 3.14159f + 4.188f));
    unsigned int* row = (unsigned int*)((char*)rows + y * pitch);
    row[x] = r | g << 8 | b << 16 | 0xff000000u;
}""", "plasma")


def draw(frame):
    out = frame.outputs[0]
    if out.is_host:
        raise SystemExit("plasma_cupy: the frame is host memory (cpu backend): run it on interop or staging")
    w, h = out.width, out.height
    with cp.cuda.ExternalStream(frame.stream):
        PLASMA(((w + 15) // 16, (h + 15) // 16), (16, 16),
               (cp.uint64(out.data_ptr), cp.uint64(out.pitch), cp.int32(w), cp.int32(h), cp.float32(frame.time),
                cp.float32(frame.params[0])))


if __name__ == "__main__":
    args = parser(__doc__, out="plasma.png").parse_args()
    run("plasma-cupy", args, draw, {"scale": (8.0, 1.0, 32.0)})
