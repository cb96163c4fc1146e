"""Python's frame rate through cuvk against C++'s, same kernels, same ABI, same size (issue: >= 90 %).

    CUVK_LIBRARY=build/libcuvk.so python3 python/benchmarks/fps_vs_c.py --capi-fps build/tests/capi-fps \
        [--size 3840x2160] [--frames 2000] [--warmup 200] [--out fps.json]

Three pairs, each measured after a warm-up and up to cuvk_session_finish (the GPU has drawn every frame):
  plasma/cupy      the kernel of tests/capi/frame_kernels.cuh compiled by CuPy's RawKernel, the output taken
                   with cupy.from_dlpack, vs capi-fps --work plasma
  add/torch        torch.add(base, k, out=torch.from_dlpack(output)), vs capi-fps --work add (the same bytes)
  add/cupy-cai     the add kernel through CuPy, the output taken with cupy.asarray (the CUDA array interface), vs
                   capi-fps --work add: shown, not held to the target — a CAI v3 consumer synchronizes the host
                   with the producer's stream each time it wraps an array, which DLPack orders on the GPU instead
Each Python frame does what a user's loop does: begin the frame, wrap its output, enqueue the work on the frame's
stream, end the frame. Prints a table; --out writes the figures as JSON. Exit status 1 when a held pair is below 90 %.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

import cuvk

ROOT = pathlib.Path(__file__).resolve().parents[2]
KERNELS = (ROOT / "tests" / "capi" / "frame_kernels.cuh").read_text()


def python_fps(work: str, via: str, w: int, h: int, frames: int, warmup: int, in_flight: int) -> float:
    with cuvk.Session(w, h, backend="interop", frames_in_flight=in_flight, name=f"fps-{work}-{via}") as s:
        s.add_image(w, h)  # linear RGBA8
        if via == "torch":
            import torch
            base = torch.full((h, w, 4), 0x5a, dtype=torch.uint8, device="cuda")

            def one(frame):
                with torch.cuda.stream(torch.cuda.ExternalStream(frame.stream)):
                    torch.add(base, frame.index & 0xFF, out=torch.from_dlpack(frame.outputs[0]))
        else:
            import cupy as cp
            kernel = cp.RawKernel(KERNELS, "cuvk_fps_plasma" if work == "plasma" else "cuvk_fps_add")
            base = cp.full((h, w), 0x5a5a5a5a, dtype=cp.uint32)
            grid, block = ((w + 15) // 16, (h + 15) // 16), (16, 16)

            def one(frame):
                with cp.cuda.ExternalStream(frame.stream):
                    # The slot's memory, no copy: DLPack (ordered on the GPU: the current stream is the frame's),
                    # or the CUDA array interface (CuPy synchronizes the host with the frame's stream first).
                    out = cp.asarray(frame.outputs[0]) if via == "cupy-cai" else cp.from_dlpack(frame.outputs[0])
                    if work == "plasma":
                        kernel(grid, block, (out, cp.uint64(out.strides[0]), cp.int32(w), cp.int32(h),
                                             cp.float32(frame.time)))
                    else:
                        kernel(grid, block, (base, out, cp.uint64(out.strides[0]), cp.int32(w), cp.int32(h),
                                             cp.uint32(frame.index)))

        for frame in s.frames(warmup):
            one(frame)
        s.finish()
        start = time.perf_counter()
        for frame in s.frames(frames):
            one(frame)
        s.finish()
        return frames / (time.perf_counter() - start)


def c_fps(capi_fps: str, work: str, w: int, h: int, frames: int, warmup: int, in_flight: int) -> float:
    out = subprocess.run([capi_fps, "--work", work, "--size", f"{w}x{h}", "--frames", str(frames), "--warmup",
                          str(warmup), "--frames-in-flight", str(in_flight)], check=True, capture_output=True,
                         text=True, env={**os.environ})
    return json.loads(out.stdout)["fps"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--capi-fps", required=True, help="the capi-fps program (build/tests/capi-fps)")
    ap.add_argument("--size", default="3840x2160")
    ap.add_argument("--frames", type=int, default=2000)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--frames-in-flight", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the median is reported")
    ap.add_argument("--out")
    args = ap.parse_args()
    try:
        w, h = (int(v) for v in args.size.split("x"))
    except ValueError:
        ap.error(f"--size {args.size!r} is not WIDTHxHEIGHT")
    rows = []
    held = {("plasma", "cupy"), ("add", "torch")}
    for work, via in (("plasma", "cupy"), ("add", "torch"), ("add", "cupy-cai")):
        py = sorted(python_fps(work, via, w, h, args.frames, args.warmup, args.frames_in_flight)
                    for _ in range(args.repeat))
        c = sorted(c_fps(args.capi_fps, work, w, h, args.frames, args.warmup, args.frames_in_flight)
                   for _ in range(args.repeat))
        row = {"work": work, "python": via, "python_fps": py, "cpp_fps": c,
               "ratio": py[len(py) // 2] / c[len(c) // 2], "held_to_90_percent": (work, via) in held}
        rows.append(row)
        print(f"{work:7s} {via:6s} python {py[len(py) // 2]:8.1f} fps   C++ {c[len(c) // 2]:8.1f} fps   "
              f"ratio {row['ratio']:.3f}", flush=True)
    if args.out:
        import torch
        report = {"size": [w, h], "frames": args.frames, "warmup": args.warmup,
                  "frames_in_flight": args.frames_in_flight, "repeat": args.repeat,
                  "gpu": torch.cuda.get_device_name(0), "python": sys.version.split()[0],
                  "torch": torch.__version__, "rows": rows}
        pathlib.Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    return 0 if all(r["ratio"] >= 0.9 for r in rows if r["held_to_90_percent"]) else 1


if __name__ == "__main__":
    sys.exit(main())
