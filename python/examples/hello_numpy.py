"""The shortest cuvk program in Python: NumPy writes each frame into the ring's memory, cuvk draws it.

    CUVK_LIBRARY=build/libcuvk.so python3 python/examples/hello_numpy.py [out.png]
"""

import sys

import numpy as np

import cuvk

W, H = 480, 270
y, x = np.mgrid[0:H, 0:W] / np.array([H, W])[:, None, None]

with cuvk.Session(W, H, backend="cpu") as s:  # NumPy writes host memory: the cpu backend
    s.add_image(W, H)
    for frame in s.frames(120):
        img = np.asarray(frame.outputs[0])  # (270, 480, 4) uint8: the slot itself
        t = frame.time
        img[..., 0] = 127 + 127 * np.sin(10 * x + 3 * t)
        img[..., 1] = 127 + 127 * np.sin(10 * y - 2 * t)
        img[..., 2] = 127 + 127 * np.sin(10 * (x + y) + t)
        img[..., 3] = 255
    s.screenshot(sys.argv[1] if len(sys.argv) > 1 else "hello.png")
