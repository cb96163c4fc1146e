"""Heat equation in PyTorch tensor ops, written each frame into cuvk's frame memory (zero-copy on interop).

    CUVK_LIBRARY=build/libcuvk.so python3 python/examples/heat_torch.py [--size 1280x720] [--frames 600] [--out heat.png]

Runs on the GPU when torch sees CUDA and cuvk's interop backend is available, else on the CPU (cpu backend, torch
on the host through NumPy's memory). Prints the frame rate; writes the last frame as a PNG.
"""

import argparse
import math
import time

import torch

import cuvk


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--frames", type=int, default=600)
    ap.add_argument("--out", default="heat.png")
    ap.add_argument("--backend", default="auto", choices=["auto", "interop", "staging", "cpu"])
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    with cuvk.Session(w, h, backend=args.backend, name="heat") as s:
        s.add_image(w, h, format="rgba8")
        s.add_param("diffusion", 0.24, 0.0, 0.25)
        cuda = s.backend != "cpu"
        device = "cuda" if cuda else "cpu"
        temp = torch.zeros(h, w, device=device)
        yy, xx = torch.meshgrid(torch.arange(h, device=device), torch.arange(w, device=device), indexing="ij")
        start = time.perf_counter()
        for frame in s.frames(args.frames):
            stream = torch.cuda.ExternalStream(frame.stream) if cuda else None
            with torch.cuda.stream(stream) if cuda else torch.no_grad():
                # Four moving heat sources, then one explicit diffusion step with insulated borders.
                t = frame.time
                for i in range(4):
                    cx = w * (0.5 + 0.35 * math.cos(t * (0.7 + 0.3 * i) + i * 1.57))
                    cy = h * (0.5 + 0.35 * math.sin(t * (0.9 + 0.2 * i) + i))
                    temp[(xx - cx) ** 2 + (yy - cy) ** 2 < (0.02 * w) ** 2] = 1.0
                p = torch.nn.functional.pad(temp[None, None], (1, 1, 1, 1), mode="replicate")[0, 0]
                lap = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:] - 4 * temp
                temp += s.get_param("diffusion") * lap
                img = torch.from_dlpack(frame.outputs[0])  # (h, w, 4) uint8: the frame's own memory
                v = (temp.clamp(0, 1) * 255).to(torch.uint8)
                img[..., 0] = v
                img[..., 1] = (v.float() * 0.6).to(torch.uint8)
                img[..., 2] = 255 - v
                img[..., 3] = 255
        s.screenshot(args.out)
        seconds = time.perf_counter() - start
        backend = s.backend
    print(f"heat_torch: {backend} backend, {args.frames} frames of {w}x{h} in {seconds:.2f} s, "
          f"{args.frames / seconds:.0f} fps, wrote {args.out}")


if __name__ == "__main__":
    main()
