"""Heat equation in PyTorch tensor ops, written each frame into cuvk's frame memory (zero-copy on interop).

    CUVK_LIBRARY=build/libcuvk.so python3 python/examples/heat_torch.py [--size 1280x720] [--frames 600] [--out heat.png]
        [--viewer [--headless]]

Runs on the GPU when the frame's memory is CUDA's (interop, staging), else on the CPU (cpu backend: torch works on
the host through NumPy's view of the frame). The panel's "diffusion" slider is read every frame.
"""

import math

import numpy as np
import torch

from _run import parser, run


class Heat:
    def __init__(self):
        self.temp = None

    def __call__(self, frame):
        out = frame.outputs[0]
        device = "cpu" if out.is_host else f"cuda:{out.device}"
        if self.temp is None:  # the first frame says where the memory is
            h, w = out.height, out.width
            self.temp = torch.zeros(h, w, device=device)
            self.yy, self.xx = torch.meshgrid(torch.arange(h, device=device), torch.arange(w, device=device),
                                              indexing="ij")
        if out.is_host:
            self.step(frame, torch.from_numpy(np.asarray(out)))
        else:
            with torch.cuda.stream(torch.cuda.ExternalStream(frame.stream)):
                self.step(frame, torch.from_dlpack(out))  # (h, w, 4) uint8: the frame's own memory

    def step(self, frame, img):
        temp, h, w, t = self.temp, img.shape[0], img.shape[1], frame.time
        for i in range(4):  # four moving heat sources
            cx = w * (0.5 + 0.35 * math.cos(t * (0.7 + 0.3 * i) + i * 1.57))
            cy = h * (0.5 + 0.35 * math.sin(t * (0.9 + 0.2 * i) + i))
            temp[(self.xx - cx) ** 2 + (self.yy - cy) ** 2 < (0.02 * w) ** 2] = 1.0
        # One explicit diffusion step with insulated borders.
        p = torch.nn.functional.pad(temp[None, None], (1, 1, 1, 1), mode="replicate")[0, 0]
        temp += frame.params[0] * (p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:] - 4 * temp)
        v = (temp.clamp(0, 1) * 255).to(torch.uint8)
        img[..., 0] = v
        img[..., 1] = (v.float() * 0.6).to(torch.uint8)
        img[..., 2] = 255 - v
        img[..., 3] = 255


if __name__ == "__main__":
    args = parser(__doc__, size="1280x720", out="heat.png").parse_args()
    run("heat-torch", args, Heat(), {"diffusion": (0.24, 0.0, 0.25)})
