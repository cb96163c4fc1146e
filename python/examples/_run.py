"""What the examples share: their command line, and running one example's ``draw(frame)`` either headless in a
cuvk.Session (timed, the last frame written as a PNG) or in cuvk's viewer (a window with the panel, or the same
viewer offscreen with --headless). Each example supplies draw(frame), which writes the frame's first output on
frame.stream and reads its parameters from frame.params, in declaration order."""

import argparse
import time
from typing import Callable, Dict, Tuple

import cuvk


def parser(doc: str, size: str = "1920x1080", frames: int = 600, out: str = "out.png") -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--size", default=size, help="WIDTHxHEIGHT of the frame")
    ap.add_argument("--frames", type=int, default=frames, help="frames to run (viewer: 0 runs until closed)")
    ap.add_argument("--out", default=out, help="the last frame as a PNG")
    ap.add_argument("--backend", default="auto", choices=["auto", "interop", "staging", "cpu"])
    ap.add_argument("--viewer", action="store_true", help="show it in cuvk's viewer (a window, with the panel)")
    ap.add_argument("--headless", action="store_true", help="with --viewer: the viewer offscreen (no display)")
    return ap


def run(name: str, args: argparse.Namespace, draw: Callable[[cuvk.Frame], None],
        params: Dict[str, Tuple[float, float, float]]) -> None:
    try:
        w, h = (int(v) for v in args.size.split("x"))
    except ValueError:
        raise SystemExit(f"{name}: --size {args.size!r} is not WIDTHxHEIGHT")
    if args.viewer:
        shown = cuvk.show(draw, w, h, backend=args.backend, frames=args.frames, headless=args.headless,
                          screenshot=args.out, params=params, name=name)
        print(f"{name}: {shown} frames shown in the viewer, wrote {args.out}")
        return
    if args.frames < 2:
        raise SystemExit(f"{name}: --frames must be at least 2 without --viewer")
    with cuvk.Session(w, h, backend=args.backend, name=name) as s:
        s.add_image(w, h)  # linear RGBA8: a pointer and a row pitch
        for key, (value, low, high) in params.items():
            s.add_param(key, value, low, high)
        warmup = min(30, args.frames // 2)  # not timed: compilation, first touches
        start = time.perf_counter()
        for frame in s.frames(args.frames):
            if frame.index == warmup:
                start = time.perf_counter()
            draw(frame)
        s.finish()  # every frame drawn
        seconds = time.perf_counter() - start
        s.screenshot(args.out)
        backend = s.backend
    timed = args.frames - warmup
    print(f"{name}: {backend} backend, {w}x{h}, {timed / seconds:.0f} fps over the last {timed} of {args.frames} "
          f"frames, wrote {args.out}")
