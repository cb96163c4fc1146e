"""A plasma written by a CuPy RawKernel straight into cuvk's frame memory on cuvk's stream (interop or staging).

    CUVK_LIBRARY=build/libcuvk.so python3 python/examples/plasma_cupy.py [--size 1920x1080] [--frames 600] [--out plasma.png]
"""

import argparse
import time

import cupy as cp

import cuvk

PLASMA = cp.RawKernel(r"""
extern "C" __global__ void plasma(unsigned int* rows, unsigned long long pitch, int w, int h, float t) {
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    float u = x / (float)w * 8.0f, v = y / (float)h * 8.0f;
    float s = sinf(u + t) + sinf(v * 0.7f - t * 1.3f) + sinf((u + v) * 0.5f + t * 0.7f) + sinf(sqrtf(u * u + v * v));
    unsigned int r = (unsigned int)(127.5f + 127.5f * sinf(s * 3.14159f));
    unsigned int g = (unsigned int)(127.5f + 127.5f * sinf(s * 3.14159f + 2.094f));
    unsigned int b = (unsigned int)(127.5f + 127.5f * sinf(s * 3.14159f + 4.188f));
    unsigned int* row = (unsigned int*)((char*)rows + y * pitch);
    row[x] = r | g << 8 | b << 16 | 0xff000000u;
}""", "plasma")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--frames", type=int, default=600)
    ap.add_argument("--out", default="plasma.png")
    ap.add_argument("--backend", default="interop", choices=["interop", "staging"])
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    with cuvk.Session(w, h, backend=args.backend, name="plasma") as s:
        s.add_image(w, h)  # linear: a pointer and a pitch
        start = time.perf_counter()
        for frame in s.frames(args.frames):
            out = frame.outputs[0]
            with cp.cuda.ExternalStream(frame.stream):
                PLASMA(((w + 15) // 16, (h + 15) // 16), (16, 16),
                       (cp.uint64(out.data_ptr), cp.uint64(out.pitch), cp.int32(w), cp.int32(h),
                        cp.float32(frame.time)))
        s.screenshot(args.out)
        seconds = time.perf_counter() - start
    print(f"plasma_cupy: {args.frames} frames of {w}x{h} in {seconds:.2f} s, {args.frames / seconds:.0f} fps, "
          f"wrote {args.out}")


if __name__ == "__main__":
    main()
