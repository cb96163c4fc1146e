"""The Python package on the cpu backend (lavapipe in CI): frames written through NumPy into the ring's host-visible
memory are what cuvk draws (read back from a screenshot), and every misuse raises the right exception with the
library's message. Needs CUVK_LIBRARY (ctest sets it to the build's libcuvk.so)."""

import gc
import struct
import zlib

import numpy as np
import pytest

import cuvk

W, H = 64, 32


def read_png(path):
    """RGBA8 pixels of a PNG as written by cuvk (8-bit RGBA, no interlace), without a PNG library."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 6), "8-bit RGBA"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * 4
    out = np.zeros((height, stride), np.int32)
    prev = np.zeros(stride, np.int32)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1).astype(np.int32)
        cur = np.zeros(stride, np.int32)
        for x in range(stride):
            a = cur[x - 4] if x >= 4 else 0
            b = prev[x]
            c = prev[x - 4] if x >= 4 else 0
            if f == 0:
                p = 0
            elif f == 1:
                p = a
            elif f == 2:
                p = b
            elif f == 3:
                p = (a + b) // 2
            else:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            cur[x] = (line[x] + p) & 0xFF
        out[y], prev = cur, cur
    return out.astype(np.uint8).reshape(height, width, 4)


def pattern(k):
    y, x = np.mgrid[0:H, 0:W]
    img = np.zeros((H, W, 4), np.uint8)
    img[..., 0] = x * 4
    img[..., 1] = y * 8
    img[..., 2] = (k * 50) % 256
    img[..., 3] = 255
    return img


def test_versions():
    assert cuvk.abi_version() == 1
    assert cuvk.version().count(".") == 2


def test_frames_written_through_numpy_are_drawn(tmp_path):
    with cuvk.Session(W, H, backend="cpu", frames_in_flight=2, validation=True) as s:
        assert s.backend == "cpu"
        assert s.add_image(W, H) == 0
        for frame in s.frames(3):
            out = frame.outputs[0]
            assert out.is_host and out.kind == "image" and out.format == "rgba8"
            a = np.asarray(out)
            assert a.shape == (H, W, 4) and a.dtype == np.uint8
            a[...] = pattern(frame.index)
        s.screenshot(tmp_path / "last.png")
    assert np.array_equal(read_png(tmp_path / "last.png"), pattern(2))


@pytest.mark.parametrize("linear", [True, False])
def test_linear_and_image_outputs_draw_the_same(tmp_path, linear):
    with cuvk.Session(W, H, backend="cpu") as s:
        s.add_image(W, H, linear=linear)
        frame = s.begin_frame()
        assert frame.outputs[0].linear == linear
        np.asarray(frame.outputs[0])[...] = pattern(5)
        frame.end()
        s.screenshot(tmp_path / "f.png")
    assert np.array_equal(read_png(tmp_path / "f.png"), pattern(5))


@pytest.mark.parametrize("fmt,dtype,shape", [("rgba16f", np.float16, (H, W, 4)), ("rgba32f", np.float32, (H, W, 4)),
                                             ("r32f", np.float32, (H, W)), ("bgra8", np.uint8, (H, W, 4))])
def test_every_format_is_a_numpy_view(fmt, dtype, shape):
    with cuvk.Session(W, H, backend="cpu") as s:
        s.add_image(W, H, format=fmt)
        frame = s.begin_frame()
        a = np.asarray(frame.outputs[0])
        assert a.dtype == dtype and a.shape == shape
        a[...] = 0.5 if dtype != np.uint8 else 128
        frame.end()


def test_dlpack_views_the_same_memory(tmp_path):
    with cuvk.Session(W, H, backend="cpu") as s:
        s.add_image(W, H)
        s.add_image(W, H, format="r32f")
        frame = s.begin_frame()
        out = frame.outputs[0]
        assert out.__dlpack_device__() == (1, 0)
        view = np.from_dlpack(out)
        assert view.shape == (H, W, 4) and view.dtype == np.uint8
        assert view.__array_interface__["data"][0] == out.data_ptr  # the slot's memory, not a copy
        view[...] = pattern(3)
        scalar = np.from_dlpack(frame.outputs[1])
        assert scalar.shape == (H, W) and scalar.dtype == np.float32
        frame.use_stream(0)  # nothing to order on the cpu backend
        frame.end()
        del view, scalar
        gc.collect()
        assert not cuvk._dl_alive, "every DLPack tensor handed out was deleted by its consumer"
        with pytest.raises(cuvk.UsageError, match="has ended"):
            out.__dlpack__()
        s.screenshot(tmp_path / "f.png")
    assert np.array_equal(read_png(tmp_path / "f.png"), pattern(3))


def test_points_and_mesh_outputs():
    with cuvk.Session(W, H, backend="cpu") as s:
        s.add_points(1000)
        s.add_mesh(16, 8)
        for frame in s.frames(2):
            p, m = (np.asarray(o) for o in frame.outputs)
            assert p.shape == (1000, 4) and p.dtype == np.float32
            assert m.shape == (8, 16, 8)
            p[:, :3] = np.random.default_rng(frame.index).uniform(-1, 1, (1000, 3))
            p.view(np.uint32)[:, 3] = 0xFF00FFFF
            m[...] = 0
            m[..., 0] = np.linspace(-1, 1, 16)
            m[..., 2] = np.linspace(-1, 1, 8)[:, None]
            m[..., 5] = 1


def test_parameters():
    with cuvk.Session(W, H, backend="cpu") as s:
        s.add_image(W, H)
        assert s.add_param("gain", 0.5, 0.0, 1.0) == 0
        s.set_param("gain", 0.25)
        assert s.get_param("gain") == 0.25
        with pytest.raises(cuvk.UsageError, match="outside"):
            s.set_param("gain", 2.0)
        with pytest.raises(cuvk.UsageError, match="one level"):
            s.add_image(W, H, mip_levels=2)  # linear by default
        with pytest.raises(cuvk.UsageError, match="no parameter"):
            s.get_param("nope")


def test_misuse_raises_with_the_library_message():
    with pytest.raises(cuvk.UsageError, match="backend"):
        cuvk.Session(W, H, backend="opengl")
    with pytest.raises(cuvk.UsageError, match="zero side"):
        cuvk.Session(0, H, backend="cpu")
    s = cuvk.Session(W, H, backend="cpu")
    with pytest.raises(cuvk.UsageError, match="format"):
        s.add_image(W, H, format="rgb565")
    with pytest.raises(cuvk.UsageError, match="at least one output"):
        s.begin_frame()
    s.add_image(W, H)
    frame = s.begin_frame()
    with pytest.raises(cuvk.UsageError, match="has not ended"):
        s.begin_frame()
    with pytest.raises(cuvk.UnsupportedError, match="host memory"):
        frame.outputs[0].__cuda_array_interface__
    out = frame.outputs[0]
    frame.end()
    with pytest.raises(cuvk.UsageError, match="has ended"):
        np.asarray(out)
    with pytest.raises(cuvk.UsageError, match="has ended"):
        frame.end()
    with pytest.raises(cuvk.UsageError, match="before the first frame"):
        s.add_image(W, H)
    with pytest.raises(cuvk.GpuError, match="no-such-dir"):
        s.screenshot("/nonexistent/no-such-dir/x.png")
    s.close()
    s.close()
    with pytest.raises(cuvk.UsageError, match="closed"):
        s.begin_frame()


def test_a_frame_left_open_is_dropped_on_close():
    with cuvk.Session(W, H, backend="cpu") as s:
        s.add_image(W, H)
        for frame in s.frames():
            np.asarray(frame.outputs[0])[...] = 7
            if frame.index == 4:
                break
        s.begin_frame()  # left open


def test_interop_without_cuda_is_unsupported():
    try:
        s = cuvk.Session(W, H, backend="interop")
    except cuvk.UnsupportedError as e:
        assert "interop" in str(e)
        return
    s.close()
    pytest.skip("a CUDA device matches this Vulkan device: interop runs here")


def test_the_viewer_shows_what_the_callback_writes(tmp_path):
    seen = []

    def on_frame(frame):
        seen.append((frame.index, frame.params))
        np.asarray(frame.outputs[0])[...] = pattern(frame.index)

    shown = cuvk.show(on_frame, W, H, backend="cpu", headless=True, hide_panel=True, frames=4, validation=True,
                      params={"gain": (0.5, 0.0, 1.0)}, screenshot=tmp_path / "v.png")
    assert shown == 4 and [k for k, _ in seen][:4] == [0, 1, 2, 3] and seen[0][1] == [0.5]
    assert np.array_equal(read_png(tmp_path / "v.png"), pattern(3))


def test_the_viewer_stops_when_asked_and_reraises():
    assert cuvk.show(lambda f: f.index < 2, W, H, backend="cpu", headless=True, hide_panel=True) == 3

    def broken(frame):
        raise KeyError("from the callback")

    with pytest.raises(KeyError, match="from the callback"):
        cuvk.show(broken, W, H, backend="cpu", headless=True, frames=10)


def test_a_recording_holds_the_frames_drawn(tmp_path):
    with cuvk.Session(W, H, backend="cpu") as s:
        s.add_image(W, H)
        with pytest.raises(cuvk.UsageError, match="rate"):
            s.record(tmp_path / "r.mp4", fps=0)
        s.record(tmp_path / "r.mp4", fps=30)
        for frame in s.frames(4):
            np.asarray(frame.outputs[0])[...] = pattern(frame.index)
        s.record(None)
    video = tmp_path / "r.mp4"
    if video.exists():  # ffmpeg is installed
        assert video.stat().st_size > 0
    else:  # a PNG per frame beside it
        assert len(list((tmp_path / "r-frames").glob("*.png"))) == 4


def test_copy_from_checks_the_array_and_copies_it(tmp_path):
    with cuvk.Session(W, H, backend="cpu") as s:
        s.add_image(W, H)
        frame = s.begin_frame()
        out = frame.outputs[0]
        with pytest.raises(cuvk.UsageError, match="dtype"):
            out.copy_from(np.zeros((H, W, 4), np.float32))
        with pytest.raises(cuvk.UsageError, match="shape"):
            out.copy_from(np.zeros((H, W - 1, 4), np.uint8))
        with pytest.raises(cuvk.UsageError, match="strides"):
            out.copy_from(np.zeros((H, 2 * W, 4), np.uint8)[:, ::2])
        with pytest.raises(cuvk.UsageError, match="not an array"):
            out.copy_from([1, 2, 3])
        wide = np.zeros((H, W + 5, 4), np.uint8)  # rows with a pitch of their own
        wide[:, :W] = pattern(7)
        out.copy_from(wide[:, :W])
        frame.end()
        s.screenshot(tmp_path / "copy.png")
        with pytest.raises(cuvk.UsageError, match="has ended"):
            out.copy_from(pattern(7))
    assert (read_png(tmp_path / "copy.png") == pattern(7)).all()
