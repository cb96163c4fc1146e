"""The Python package on a GPU whose CUDA device matches the Vulkan device (skipped elsewhere, saying why): what
PyTorch and CuPy write through DLPack and __cuda_array_interface__ into a frame's outputs is the Vulkan memory
itself — drawn bit for bit — on the interop and staging backends, on cuvk's stream or on the consumer's own."""

import numpy as np
import pytest

import cuvk
from test_session import pattern, read_png, H, W


def interop_or_skip(backend="interop"):
    try:
        return cuvk.Session(W, H, backend=backend, validation=True)
    except cuvk.UnsupportedError as e:
        pytest.skip(f"{backend} unavailable here: {e}")


torch = pytest.importorskip("torch")
if not torch.cuda.is_available():
    pytest.skip("torch sees no CUDA device", allow_module_level=True)


@pytest.mark.parametrize("backend", ["interop", "staging"])
@pytest.mark.parametrize("how", ["dlpack", "cai", "own-stream"])
def test_torch_writes_are_drawn_bit_for_bit(tmp_path, backend, how):
    with interop_or_skip(backend) as s:
        s.add_image(W, H)
        expected = torch.from_numpy(pattern(4)).cuda()
        for frame in s.frames(5):
            out = frame.outputs[0]
            assert out.device >= 0 and out.linear and out.data_ptr != 0
            if how == "dlpack":
                t = torch.from_dlpack(out)
            elif how == "cai":
                t = torch.as_tensor(out, device="cuda")
            else:  # the consumer's own stream, ordered with the frame through use_stream
                side = torch.cuda.Stream()
                frame.use_stream(side.cuda_stream)
                with torch.cuda.stream(side):
                    t = torch.as_tensor(out, device="cuda")
            assert t.data_ptr() == out.data_ptr, "a view of the slot, not a copy"
            if how == "own-stream":
                with torch.cuda.stream(side):
                    t.copy_(torch.from_numpy(pattern(frame.index)).cuda(non_blocking=True))
            else:
                with torch.cuda.stream(torch.cuda.ExternalStream(frame.stream)):
                    t.copy_(torch.from_numpy(pattern(frame.index)).cuda(non_blocking=True))
        s.screenshot(tmp_path / "t.png")
    assert np.array_equal(read_png(tmp_path / "t.png"), pattern(4)), expected.shape


def test_points_from_torch():
    with interop_or_skip() as s:
        s.add_points(4096)
        for frame in s.frames(3):
            p = torch.from_dlpack(frame.outputs[0])
            assert p.shape == (4096, 4) and p.is_cuda
            with torch.cuda.stream(torch.cuda.ExternalStream(frame.stream)):
                p[:, :3].uniform_(-1, 1)
                p[:, 3:].view(torch.int32).fill_(-1)


def test_cupy_raw_kernel_writes_surfaces(tmp_path):
    cp = pytest.importorskip("cupy")
    kernel = cp.RawKernel(r"""
    extern "C" __global__ void fill(unsigned long long surface, int w, int h, int frame) {
        int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
        if (x >= w || y >= h) return;
        unsigned int v = (x * 4 & 255) | (y * 8 & 255) << 8 | (frame * 50 & 255) << 16 | 0xff000000u;
        surf2Dwrite(v, (cudaSurfaceObject_t)surface, x * 4, y);
    }""", "fill")
    with interop_or_skip() as s:
        s.add_image(W, H, linear=False)
        for frame in s.frames(3):
            out = frame.outputs[0]
            assert out.data_ptr == 0 and out.surfaces
            with cp.cuda.ExternalStream(frame.stream):
                kernel(((W + 15) // 16, (H + 15) // 16), (16, 16),
                       (cp.uint64(out.surfaces[0]), cp.int32(W), cp.int32(H), cp.int32(frame.index)))
        s.screenshot(tmp_path / "c.png")
    assert np.array_equal(read_png(tmp_path / "c.png"), pattern(2))


def test_cupy_array_interface(tmp_path):
    cp = pytest.importorskip("cupy")
    with interop_or_skip() as s:
        s.add_image(W, H, format="rgba32f")
        frame = s.begin_frame()
        a = cp.asarray(frame.outputs[0])
        assert a.shape == (H, W, 4) and a.dtype == cp.float32
        with cp.cuda.ExternalStream(frame.stream):
            a[...] = 1.0
        frame.end()
        s.screenshot(tmp_path / "f.png")
    assert (read_png(tmp_path / "f.png") == 255).all()


@pytest.mark.parametrize("backend", ["interop", "staging"])
def test_copy_from_torch_and_numpy_is_drawn_bit_for_bit(tmp_path, backend):
    with interop_or_skip(backend) as s:
        s.add_image(W, H)
        for frame in s.frames(4):
            out = frame.outputs[0]
            if frame.index % 2:  # host memory
                out.copy_from(pattern(frame.index))
            else:  # CUDA memory, rows with a pitch of their own
                wide = torch.zeros(H, W + 3, 4, dtype=torch.uint8, device="cuda")
                wide[:, :W] = torch.from_numpy(pattern(frame.index)).cuda()
                torch.cuda.synchronize()  # torch's array interface does not say which stream wrote it
                out.copy_from(wide[:, :W])
                with pytest.raises(cuvk.UsageError, match="dtype"):
                    out.copy_from(wide[:, :W].float())
        s.screenshot(tmp_path / "c.png")
    assert np.array_equal(read_png(tmp_path / "c.png"), pattern(3))


def test_copy_from_another_gpu_is_refused():
    if torch.cuda.device_count() < 2:
        pytest.skip(f"one CUDA device here ({torch.cuda.get_device_name(0)}): no other GPU to copy from")
    with interop_or_skip() as s:
        s.add_image(W, H)
        for frame in s.frames(1):
            other = 1 if frame.outputs[0].device == 0 else 0
            with pytest.raises(cuvk.UsageError, match="another|device"):
                frame.outputs[0].copy_from(torch.zeros(H, W, 4, dtype=torch.uint8, device=f"cuda:{other}"))
