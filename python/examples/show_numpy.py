"""cuvk's viewer (window, panel, keys) showing what a NumPy callback writes each frame; the panel's "level" slider
is read back in every frame. Closes after --frames frames (0: when the window closes).

    CUVK_LIBRARY=build/libcuvk.so python3 python/examples/show_numpy.py [--frames 0] [--screenshot shot.png] [--headless]
"""

import argparse

import numpy as np

import cuvk

W, H = 640, 360
y, x = np.mgrid[0:H, 0:W] / np.array([H, W])[:, None, None]


def on_frame(frame):
    img = np.asarray(frame.outputs[0])  # host memory: the cpu backend
    level = frame.params[0]
    img[..., 0] = 127 + 127 * np.sin(12 * x + 3 * frame.time) * level
    img[..., 1] = 127 + 127 * np.sin(9 * y - 2 * frame.time)
    img[..., 2] = 160
    img[..., 3] = 255


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=0)
    ap.add_argument("--screenshot")
    ap.add_argument("--headless", action="store_true")
    args = ap.parse_args()
    shown = cuvk.show(on_frame, W, H, backend="cpu", frames=args.frames, headless=args.headless,
                      screenshot=args.screenshot, params={"level": (0.8, 0.0, 1.0)}, name="show-numpy")
    print(f"show_numpy: {shown} frames shown")


if __name__ == "__main__":
    main()
