"""cuvk for Python: write a frame's outputs from NumPy, PyTorch or CuPy and let cuvk draw them.

A :class:`Session` is a headless cuvk frame ring drawing into an offscreen image (the C ABI's session, through
ctypes). Declare outputs and parameters, then take frames::

    with cuvk.Session(640, 360) as s:
        s.add_image(640, 360)
        for frame in s.frames(100):
            ...write frame.outputs[0]...
        s.screenshot("last.png")

Each output of a frame is the slot's own memory, valid from the frame's start until it ends (the next iteration):

* host memory (the cpu backend): ``numpy.asarray(output)`` through ``__array_interface__``;
* CUDA memory (interop, staging) of linear images (the default) and vertex outputs: DLPack
  (``torch.from_dlpack(output)``: the consumer's stream waits for the slot, and the frame's end waits for that
  stream) and ``__cuda_array_interface__`` version 3 with the session's stream (``cupy.asarray(output)``; its
  consumers synchronize the host with that stream each time, so prefer DLPack in a frame loop): write
  those on ``frame.stream`` (``torch.cuda.ExternalStream(frame.stream)``, ``cupy.cuda.ExternalStream``), or order
  your own stream with ``frame.use_stream(stream)`` — the interface cannot tell cuvk where the writes go;
* CUDA images declared with ``linear=False``: ``output.surfaces`` (a ``cudaSurfaceObject_t`` per mip level) and
  ``frame.stream`` for kernels that write with ``surf2Dwrite`` (a CuPy ``RawKernel`` takes them as
  ``unsigned long long``).

Errors raise :class:`UsageError`, :class:`GpuError` or :class:`UnsupportedError` (all :class:`Error`) with the
library's one-line message. A session is used from one thread.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from typing import Iterator, List, Optional, Tuple

__all__ = ["Session", "Frame", "Output", "Error", "UsageError", "GpuError", "UnsupportedError", "library_path",
           "abi_version", "version", "show", "image", "points", "mesh"]

ABI_VERSION = 1


class Error(Exception):
    """A cuvk call failed; the message is the library's."""


class UsageError(Error, ValueError):
    """Bad arguments or a call out of order."""


class GpuError(Error, RuntimeError):
    """A Vulkan or CUDA call failed, or the GPU did not finish."""


class UnsupportedError(Error):
    """This device or backend cannot do it."""


_BACKENDS = {"auto": 0, "interop": 1, "staging": 2, "cpu": 3}
_FORMATS = {"rgba8": 0, "bgra8": 1, "rgba16f": 2, "rgba32f": 3, "r32f": 4}
_FORMAT_NAMES = {v: k for k, v in _FORMATS.items()}
# Per format: NumPy type string of one channel, channels per texel.
_TEXELS = {"rgba8": ("|u1", 4), "bgra8": ("|u1", 4), "rgba16f": ("<f2", 4), "rgba32f": ("<f4", 4),
           "r32f": ("<f4", 1)}
_KINDS = {0: "image", 1: "points", 2: "mesh"}


class _SessionInfo(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32), ("name", ctypes.c_char_p), ("width", ctypes.c_uint32),
                ("height", ctypes.c_uint32), ("backend", ctypes.c_int), ("frames_in_flight", ctypes.c_uint32),
                ("validation", ctypes.c_int), ("device", ctypes.c_char_p)]


class _OutputInfo(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32), ("kind", ctypes.c_int), ("width", ctypes.c_uint32),
                ("height", ctypes.c_uint32), ("format", ctypes.c_int), ("mip_levels", ctypes.c_uint32),
                ("vertex_count", ctypes.c_uint64), ("linear", ctypes.c_uint32)]


class _FrameOutput(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int), ("format", ctypes.c_int), ("width", ctypes.c_uint32),
                ("height", ctypes.c_uint32), ("mip_levels", ctypes.c_uint32), ("vertex_count", ctypes.c_uint64),
                ("device", ctypes.c_int32), ("data", ctypes.c_void_p), ("pitch", ctypes.c_uint64),
                ("linear", ctypes.c_uint32), ("bytes", ctypes.c_uint64), ("surfaces", ctypes.c_uint64 * 16),
                ("texture", ctypes.c_uint64)]


class _Frame(ctypes.Structure):
    _fields_ = [("index", ctypes.c_uint64), ("time", ctypes.c_double), ("stream", ctypes.c_void_p),
                ("output_count", ctypes.c_uint32), ("outputs", _FrameOutput * 8),
                ("params", ctypes.POINTER(ctypes.c_float)), ("param_count", ctypes.c_uint32)]


class _ParamInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("value", ctypes.c_float), ("min", ctypes.c_float),
                ("max", ctypes.c_float)]


_FrameCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_Frame), ctypes.c_void_p)


class _ViewerInfo(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32), ("name", ctypes.c_char_p), ("width", ctypes.c_uint32),
                ("height", ctypes.c_uint32), ("backend", ctypes.c_int), ("frames_in_flight", ctypes.c_uint32),
                ("validation", ctypes.c_int), ("device", ctypes.c_char_p), ("headless", ctypes.c_int),
                ("frames", ctypes.c_uint64), ("screenshot", ctypes.c_char_p), ("record", ctypes.c_char_p),
                ("hide_panel", ctypes.c_int), ("outputs", ctypes.POINTER(_OutputInfo)),
                ("output_count", ctypes.c_uint32), ("params", ctypes.POINTER(_ParamInfo)),
                ("param_count", ctypes.c_uint32), ("on_frame", _FrameCallback), ("user", ctypes.c_void_p)]


# DLPack (https://dmlc.github.io/dlpack/latest/): the C structs of an unversioned DLManagedTensor.
class _DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class _DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class _DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", _DLDevice), ("ndim", ctypes.c_int32), ("dtype", _DLDataType),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("strides", ctypes.POINTER(ctypes.c_int64)),
                ("byte_offset", ctypes.c_uint64)]


class _DLManagedTensor(ctypes.Structure):
    pass


_DLDeleter = ctypes.CFUNCTYPE(None, ctypes.POINTER(_DLManagedTensor))
_DLManagedTensor._fields_ = [("dl_tensor", _DLTensor), ("manager_ctx", ctypes.c_void_p), ("deleter", _DLDeleter)]


class _DLManagedTensorVersioned(ctypes.Structure):  # DLPack 1.x: a version and flags (none set: writable)
    pass


_DLDeleterVersioned = ctypes.CFUNCTYPE(None, ctypes.POINTER(_DLManagedTensorVersioned))
_DLManagedTensorVersioned._fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32),
                                      ("manager_ctx", ctypes.c_void_p), ("deleter", _DLDeleterVersioned),
                                      ("flags", ctypes.c_uint64), ("dl_tensor", _DLTensor)]
_DL_CPU, _DL_CUDA = 1, 2
_DL_TYPES = {"|u1": (1, 8), "<f2": (2, 16), "<f4": (2, 32)}  # (kDLUInt / kDLFloat, bits)
_dl_alive: dict = {}  # DLManagedTensor address -> what it points into (shape, strides arrays), until deleted


@_DLDeleter
def _dl_delete(managed):
    _dl_alive.pop(ctypes.addressof(managed.contents), None)


@_DLDeleterVersioned
def _dl_delete_versioned(managed):
    _dl_alive.pop(ctypes.addressof(managed.contents), None)


_PyCapsule_Destructor = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


@_PyCapsule_Destructor
def _dl_capsule_destructor(capsule):
    # A capsule never consumed keeps its name: the tensor is still ours to delete.
    for name in (b"dltensor", b"dltensor_versioned"):
        if ctypes.pythonapi.PyCapsule_IsValid(ctypes.c_void_p(capsule), name):
            _dl_alive.pop(ctypes.pythonapi.PyCapsule_GetPointer(ctypes.c_void_p(capsule), name), None)


ctypes.pythonapi.PyCapsule_New.restype = ctypes.py_object
ctypes.pythonapi.PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, _PyCapsule_Destructor]
ctypes.pythonapi.PyCapsule_IsValid.restype = ctypes.c_int
ctypes.pythonapi.PyCapsule_IsValid.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
ctypes.pythonapi.PyCapsule_GetPointer.restype = ctypes.c_void_p
ctypes.pythonapi.PyCapsule_GetPointer.argtypes = [ctypes.c_void_p, ctypes.c_char_p]


def library_path() -> str:
    """Where libcuvk is loaded from: $CUVK_LIBRARY, else what the system loader finds."""
    explicit = os.environ.get("CUVK_LIBRARY")
    if explicit:
        return explicit
    return ctypes.util.find_library("cuvk") or "libcuvk.so.1"


_lib = None


def _library() -> ctypes.CDLL:
    global _lib
    if _lib is not None:
        return _lib
    path = library_path()
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise UnsupportedError(f"cannot load libcuvk from {path!r} (set CUVK_LIBRARY to build/libcuvk.so): {e}") \
            from None
    p = ctypes.POINTER
    sigs = {
        "cuvk_abi_version": ([], ctypes.c_uint32),
        "cuvk_version": ([], ctypes.c_char_p),
        "cuvk_last_error": ([], ctypes.c_char_p),
        "cuvk_session_create": ([p(_SessionInfo), p(ctypes.c_void_p)], ctypes.c_int),
        "cuvk_session_destroy": ([ctypes.c_void_p], ctypes.c_int),
        "cuvk_session_backend": ([ctypes.c_void_p], ctypes.c_char_p),
        "cuvk_session_add_output": ([ctypes.c_void_p, p(_OutputInfo), p(ctypes.c_uint32)], ctypes.c_int),
        "cuvk_session_add_param": ([ctypes.c_void_p, ctypes.c_char_p, ctypes.c_float, ctypes.c_float,
                                    ctypes.c_float, p(ctypes.c_uint32)], ctypes.c_int),
        "cuvk_session_set_param": ([ctypes.c_void_p, ctypes.c_uint32, ctypes.c_float], ctypes.c_int),
        "cuvk_session_get_param": ([ctypes.c_void_p, ctypes.c_uint32, p(ctypes.c_float)], ctypes.c_int),
        "cuvk_session_begin_frame": ([ctypes.c_void_p, p(_Frame)], ctypes.c_int),
        "cuvk_session_end_frame": ([ctypes.c_void_p], ctypes.c_int),
        "cuvk_viewer_run": ([ctypes.POINTER(_ViewerInfo), ctypes.POINTER(ctypes.c_uint64)], ctypes.c_int),
        "cuvk_stream_wait": ([ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int], ctypes.c_int),
        "cuvk_copy_rows": ([ctypes.c_void_p, ctypes.c_uint64, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64,
                            ctypes.c_uint64, ctypes.c_void_p, ctypes.c_int], ctypes.c_int),
        "cuvk_session_stream_acquire": ([ctypes.c_void_p, ctypes.c_void_p], ctypes.c_int),
        "cuvk_session_stream_release": ([ctypes.c_void_p, ctypes.c_void_p], ctypes.c_int),
        "cuvk_session_screenshot": ([ctypes.c_void_p, ctypes.c_char_p], ctypes.c_int),
        "cuvk_session_finish": ([ctypes.c_void_p], ctypes.c_int),
        "cuvk_session_record": ([ctypes.c_void_p, ctypes.c_char_p, ctypes.c_double], ctypes.c_int),
    }
    for name, (args, result) in sigs.items():
        f = getattr(lib, name)
        f.argtypes = args
        f.restype = result
    if lib.cuvk_abi_version() != ABI_VERSION:
        raise UnsupportedError(f"{path} speaks ABI {lib.cuvk_abi_version()}, this package ABI {ABI_VERSION}")
    _lib = lib
    return lib


def _check(status: int) -> None:
    if status == 0:
        return
    message = (_library().cuvk_last_error() or b"").decode(errors="replace")
    raise {1: UsageError, 2: GpuError, 3: UnsupportedError}.get(status, Error)(message)


def abi_version() -> int:
    """The C ABI version of the loaded library."""
    return int(_library().cuvk_abi_version())


def version() -> str:
    """cuvk's version, e.g. "0.3.0"."""
    return _library().cuvk_version().decode()


class Output:
    """One output of the frame being written: the ring slot's memory (see the module's description)."""

    def __init__(self, frame: "Frame", raw: _FrameOutput):
        self._frame = frame
        self.kind: str = _KINDS.get(raw.kind, "unknown")
        self.format: Optional[str] = _FORMAT_NAMES.get(raw.format) if self.kind == "image" else None
        self.width: int = raw.width
        self.height: int = raw.height
        self.mip_levels: int = raw.mip_levels
        self.vertex_count: int = raw.vertex_count
        self.device: int = raw.device  # -1: host memory
        self.nbytes: int = raw.bytes
        self.pitch: int = raw.pitch
        self.linear: bool = bool(raw.linear)
        self._data: int = raw.data or 0
        self.surfaces: List[int] = [int(raw.surfaces[i]) for i in range(max(self.mip_levels, 0))] \
            if self.kind == "image" and self.device >= 0 and not raw.linear else []
        self.texture: int = int(raw.texture)

    @property
    def is_host(self) -> bool:
        return self.device < 0

    @property
    def data_ptr(self) -> int:
        """The address of the output's memory (host or CUDA); 0 for a CUDA image (use ``surfaces``)."""
        self._frame._check_open()
        return self._data

    # Level 0 of an image (further levels follow it tightly packed: nbytes covers them all), or every vertex.
    def _layout(self) -> Tuple[Tuple[int, ...], str, Optional[Tuple[int, ...]]]:
        if self.kind == "image":
            typestr, channels = _TEXELS[self.format]
            item = int(typestr[2:])
            if channels == 1:
                shape, strides = (self.height, self.width), (self.pitch, item)
            else:
                shape, strides = (self.height, self.width, channels), (self.pitch, item * channels, item)
            return shape, typestr, strides
        if self.kind == "points":  # x, y, z as floats; the fourth float's bits are the colour (RGBA8)
            return (self.vertex_count, 4), "<f4", None
        return (self.height, self.width, 8), "<f4", None  # mesh: px, py, pz, pad, nx, ny, nz, pad

    @property
    def __array_interface__(self) -> dict:
        self._frame._check_open()
        if not self.is_host:
            raise UnsupportedError("this output is CUDA memory: use __cuda_array_interface__ (torch, cupy), not NumPy")
        shape, typestr, strides = self._layout()
        return {"version": 3, "shape": shape, "typestr": typestr, "data": (self._data, False), "strides": strides}

    @property
    def __cuda_array_interface__(self) -> dict:
        self._frame._check_open()
        if self.is_host:
            raise UnsupportedError("this output is host memory (the cpu backend): use numpy.asarray")
        if not self._data:
            raise UnsupportedError("a CUDA image output has no pointer: write it through output.surfaces on "
                                   "frame.stream")
        shape, typestr, strides = self._layout()
        stream = self._frame.stream or None
        return {"version": 3, "shape": shape, "typestr": typestr, "data": (self._data, False), "strides": strides,
                "stream": stream}

    def __dlpack_device__(self) -> Tuple[int, int]:
        return (_DL_CPU, 0) if self.is_host else (_DL_CUDA, self.device)

    def __dlpack__(self, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule of the output's memory (no copy). On CUDA, ``stream`` is the consumer's: it waits (on
        the GPU) until the slot is free, and the frame's end waits for what it enqueues until then."""
        self._frame._check_open()
        if copy:
            raise BufferError("cuvk hands out its own memory: a copy is the consumer's to make")
        if dl_device is not None and tuple(dl_device) != self.__dlpack_device__():
            raise BufferError(f"this output lives on {self.__dlpack_device__()}, not {tuple(dl_device)}")
        if not self._data:
            raise BufferError("a CUDA image output that is not linear has no pointer: declare it linear=True")
        if not self.is_host and stream != -1:
            # None and 1: the legacy default stream; 2: the per-thread default stream; else a cudaStream_t.
            self._frame.use_stream(0 if stream in (None, 1) else stream)
        shape, typestr, strides = self._layout()
        code, bits = _DL_TYPES[typestr]
        item = bits // 8
        ndim = len(shape)
        shape_c = (ctypes.c_int64 * ndim)(*shape)
        strides_c = (ctypes.c_int64 * ndim)(*([b // item for b in strides] if strides else
                                              [int(_prod(shape[i + 1:])) for i in range(ndim)]))
        tensor = _DLTensor(self._data, _DLDevice(*self.__dlpack_device__()), ndim, _DLDataType(code, bits, 1),
                           shape_c, strides_c, 0)
        if max_version is not None and tuple(max_version)[0] >= 1:  # DLPack 1.0: writable (no READ_ONLY flag)
            managed = _DLManagedTensorVersioned(1, 0, None, _dl_delete_versioned, 0, tensor)
            name = b"dltensor_versioned"
        else:
            managed = _DLManagedTensor(tensor, None, _dl_delete)
            name = b"dltensor"
        address = ctypes.addressof(managed)
        _dl_alive[address] = (managed, shape_c, strides_c)
        return ctypes.pythonapi.PyCapsule_New(address, name, _dl_capsule_destructor)

    def copy_from(self, src) -> None:
        """Copies an array that already exists into this output (level 0 of an image, or every vertex): a NumPy
        array, or a CUDA array (torch, CuPy: anything with ``__cuda_array_interface__``) of this output's device, of
        the output's dtype and shape, rows contiguous. On CUDA the copy is enqueued on ``frame.stream`` after the
        work on the array's own stream. This is a copy: where you can, write the output itself (DLPack).
        Raises UsageError naming what differs (dtype, shape, layout, device)."""
        self._frame._check_open()
        shape, typestr, _ = self._layout()
        if hasattr(src, "__cuda_array_interface__"):
            desc, on_cuda = src.__cuda_array_interface__, True
        elif hasattr(src, "__array_interface__"):
            desc, on_cuda = src.__array_interface__, False
        else:
            raise UsageError(f"copy_from: a {type(src).__name__} is not an array (NumPy, torch, CuPy)")
        src_type, src_shape = desc["typestr"], tuple(desc["shape"])
        if _byte_order(src_type) != _byte_order(typestr):
            raise UsageError(f"copy_from: the array's dtype {src_type} is not the output's {typestr}")
        if src_shape != shape:
            raise UsageError(f"copy_from: the array's shape {src_shape} is not the output's {shape}")
        item = int(typestr[2:])
        row_bytes = _prod(shape[1:]) * item
        strides = desc.get("strides")
        inner = [int(_prod(shape[i + 1:])) * item for i in range(len(shape))]
        if strides is not None and tuple(strides[1:]) != tuple(inner[1:]):
            raise UsageError(f"copy_from: the array's strides {tuple(strides)} are not rows of contiguous elements "
                             "(make it contiguous first)")
        src_pitch = int(strides[0]) if strides is not None else row_bytes
        src_ptr = int(desc["data"][0])
        dst_pitch = self.pitch if self.kind == "image" else row_bytes
        if self.is_host:
            if on_cuda:
                raise UsageError("copy_from: a CUDA array cannot go into host memory (the cpu backend): copy it to "
                                 "the host first")
            for row in range(shape[0]):
                ctypes.memmove(self._data + row * dst_pitch, src_ptr + row * src_pitch, row_bytes)
            return
        lib = _library()
        stream = desc.get("stream") if on_cuda else None
        if stream not in (None, -1):  # the array's producer stream (1 and 2, the default streams, are CUDA's own
            # handles for them: cudaStreamLegacy, cudaStreamPerThread)
            _check(lib.cuvk_stream_wait(ctypes.c_void_p(self._frame.stream or None), ctypes.c_void_p(stream),
                                        self.device))
        _check(lib.cuvk_copy_rows(ctypes.c_void_p(self._data), dst_pitch, ctypes.c_void_p(src_ptr), src_pitch,
                                  row_bytes, shape[0], ctypes.c_void_p(self._frame.stream or None), self.device))

    def __repr__(self) -> str:
        where = "host" if self.is_host else f"cuda:{self.device}"
        what = f"{self.width}x{self.height} {self.format}" if self.kind == "image" else f"{self.vertex_count} vertices"
        return f"<cuvk.Output {self.kind} {what} on {where}>"


def _byte_order(typestr: str) -> str:
    """A NumPy typestr with its byte order spelt out ('|u1' and '=f4' as '<u1', '<f4' on this little-endian host)."""
    order = "<" if typestr[0] in "|=" or typestr[2:] == "1" else typestr[0]
    return order + typestr[1:]


def _prod(values) -> int:
    out = 1
    for v in values:
        out *= v
    return out


class Frame:
    """The frame being written: ``index``, ``time`` (seconds), ``stream`` (the CUDA stream as an int, 0 on the
    cpu backend), ``params`` (this frame's parameter values) and ``outputs``. Usable until it ends."""

    def __init__(self, session: Optional["Session"], raw: _Frame):
        self._session = session
        self._open = True
        self.index: int = raw.index
        self.time: float = raw.time
        self.stream: int = raw.stream or 0
        self.params: List[float] = [raw.params[i] for i in range(raw.param_count)]
        self.outputs: List[Output] = [Output(self, raw.outputs[i]) for i in range(raw.output_count)]
        self._streams: List[int] = []
        self._device: int = self.outputs[0].device if self.outputs else -1

    def _check_open(self) -> None:
        if not self._open:
            raise UsageError(f"frame {self.index} has ended: its outputs belong to cuvk again")

    def use_stream(self, stream: int) -> None:
        """Writes to the outputs go on ``stream`` (a cudaStream_t as an int, e.g.
        ``torch.cuda.current_stream().cuda_stream``) instead of ``frame.stream``: it waits now until the slot is
        free, and the frame's end waits for what it enqueues. ``__dlpack__`` does this for the consumer's stream."""
        self._check_open()
        if stream == self.stream or stream in self._streams:
            return
        if self._session is None:  # a viewer's frame: order the streams directly
            if self._device >= 0:
                _check(_library().cuvk_stream_wait(ctypes.c_void_p(stream or None), ctypes.c_void_p(self.stream),
                                                   self._device))
        else:
            _check(_library().cuvk_session_stream_acquire(self._session._h(), ctypes.c_void_p(stream or None)))
        self._streams.append(stream)

    def end(self) -> None:
        """Hands the outputs to cuvk, which draws the frame (after the work enqueued on ``stream`` and on every
        stream given to use_stream)."""
        self._check_open()
        lib = _library()
        for stream in self._streams:
            if self._session is None:
                if self._device >= 0:
                    _check(lib.cuvk_stream_wait(ctypes.c_void_p(self.stream), ctypes.c_void_p(stream or None),
                                                self._device))
            else:
                _check(lib.cuvk_session_stream_release(self._session._h(), ctypes.c_void_p(stream or None)))
        self._open = False
        if self._session is not None:
            self._session._end_frame()


class Session:
    """A headless cuvk session of ``width`` x ``height`` pixels.

    backend: "auto" (interop where a CUDA device matches the Vulkan device, else cpu), "interop", "staging" or "cpu".
    frames_in_flight: ring slots, 1..8. validation: the Khronos validation layer (a message fails the call).
    device: Vulkan device selector (index, UUID or name).
    """

    def __init__(self, width: int, height: int, *, backend: str = "auto", frames_in_flight: int = 3,
                 validation: bool = False, device: Optional[str] = None, name: str = "python"):
        if backend not in _BACKENDS:
            raise UsageError(f"backend {backend!r}: choose one of {', '.join(_BACKENDS)}")
        lib = _library()
        info = _SessionInfo(ctypes.sizeof(_SessionInfo), name.encode(), int(width), int(height), _BACKENDS[backend],
                            int(frames_in_flight), int(bool(validation)), device.encode() if device else None)
        handle = ctypes.c_void_p()
        _check(lib.cuvk_session_create(ctypes.byref(info), ctypes.byref(handle)))
        self._handle: Optional[int] = handle.value
        self._frame: Optional[Frame] = None
        self._params: List[str] = []

    # -- lifetime --
    def close(self) -> None:
        """Ends a frame still open (after the streams it was written on), waits for the GPU and frees the session.
        Safe to call twice."""
        if self._handle:
            try:
                if self._frame is not None and self._frame._open:
                    self._frame.end()
            finally:
                handle, self._handle = self._handle, None
                self._frame = None
                _check(_library().cuvk_session_destroy(handle))

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def _h(self) -> int:
        if not self._handle:
            raise UsageError("the session is closed")
        return self._handle

    @property
    def backend(self) -> str:
        return _library().cuvk_session_backend(self._h()).decode()

    # -- declarations (before the first frame) --
    def add_image(self, width: int, height: int, format: str = "rgba8", mip_levels: int = 1,
                  linear: bool = True) -> int:
        """Declares an image output; returns its index (the first output is the one drawn).

        linear (the default): rows in a buffer with a pitch, drawn straight from it — on CUDA backends a plain
        pointer, so ``torch.as_tensor(output, device="cuda")`` or ``cupy.asarray(output)`` write it in place. With
        linear=False the image is a Vulkan image (mip levels allowed), written through ``output.surfaces`` on CUDA.
        """
        return self._add(image(width, height, format, mip_levels, linear))

    def add_points(self, count: int) -> int:
        """Declares a points output of ``count`` vertices (x, y, z in [-1, 1], then the RGBA8 colour's bits)."""
        return self._add(points(count))

    def add_mesh(self, columns: int, rows: int) -> int:
        """Declares a mesh output: a grid of ``columns`` x ``rows`` vertices (position, pad, normal, pad)."""
        return self._add(mesh(columns, rows))

    def _add(self, info: _OutputInfo) -> int:
        index = ctypes.c_uint32()
        _check(_library().cuvk_session_add_output(self._h(), ctypes.byref(info), ctypes.byref(index)))
        return index.value

    def add_param(self, name: str, value: float, min: float, max: float) -> int:
        """Declares a parameter with its default and range; returns its index."""
        index = ctypes.c_uint32()
        _check(_library().cuvk_session_add_param(self._h(), name.encode(), value, min, max, ctypes.byref(index)))
        self._params.append(name)
        return index.value

    def _param_index(self, param) -> int:
        if isinstance(param, str):
            if param not in self._params:
                raise UsageError(f"no parameter {param!r} (declared: {', '.join(self._params) or 'none'})")
            return self._params.index(param)
        return int(param)

    def get_param(self, param) -> float:
        value = ctypes.c_float()
        _check(_library().cuvk_session_get_param(self._h(), self._param_index(param), ctypes.byref(value)))
        return value.value

    def set_param(self, param, value: float) -> None:
        _check(_library().cuvk_session_set_param(self._h(), self._param_index(param), float(value)))

    # -- frames --
    def begin_frame(self) -> Frame:
        """The next frame, its slot free; write its outputs, then ``frame.end()``."""
        if self._frame is not None and self._frame._open:
            raise UsageError(f"frame {self._frame.index} has not ended")
        raw = _Frame()
        _check(_library().cuvk_session_begin_frame(self._h(), ctypes.byref(raw)))
        self._frame = Frame(self, raw)
        return self._frame

    def _end_frame(self) -> None:
        self._frame = None
        _check(_library().cuvk_session_end_frame(self._h()))

    def frames(self, count: Optional[int] = None) -> Iterator[Frame]:
        """Yields ``count`` frames (forever when None), each ended when the loop moves on (or leaves)."""
        n = 0
        while count is None or n < count:
            frame = self.begin_frame()
            try:
                yield frame
            finally:
                if frame._open:
                    frame.end()
            n += 1

    def record(self, path: Optional[str], fps: float = 60.0) -> None:
        """Records every frame drawn from now on into ``path`` (a video through ffmpeg, else PNG frames beside it);
        ``record(None)`` finishes it (close() does too)."""
        _check(_library().cuvk_session_record(self._h(), os.fspath(path).encode() if path else None, float(fps)))

    def finish(self) -> None:
        """Waits until the GPU has drawn every frame ended so far (to time a run, say)."""
        _check(_library().cuvk_session_finish(self._h()))

    def screenshot(self, path: str) -> None:
        """Waits for the frames drawn and writes the last one as a PNG."""
        _check(_library().cuvk_session_screenshot(self._h(), os.fspath(path).encode()))


def image(width: int, height: int, format: str = "rgba8", mip_levels: int = 1, linear: bool = True) -> _OutputInfo:
    """An image output for :func:`show` (see :meth:`Session.add_image`)."""
    if format not in _FORMATS:
        raise UsageError(f"format {format!r}: choose one of {', '.join(_FORMATS)}")
    return _OutputInfo(ctypes.sizeof(_OutputInfo), 0, int(width), int(height), _FORMATS[format], int(mip_levels), 0,
                       int(bool(linear)))


def points(count: int) -> _OutputInfo:
    """A points output for :func:`show` (see :meth:`Session.add_points`)."""
    return _OutputInfo(ctypes.sizeof(_OutputInfo), 1, 0, 0, 0, 0, int(count), 0)


def mesh(columns: int, rows: int) -> _OutputInfo:
    """A mesh output for :func:`show` (see :meth:`Session.add_mesh`)."""
    return _OutputInfo(ctypes.sizeof(_OutputInfo), 2, int(columns), int(rows), 0, 0, 0, 0)


def show(on_frame, width: int = 1280, height: int = 720, *, outputs=None, params: Optional[dict] = None,
         backend: str = "auto", frames: int = 0, headless: bool = False, screenshot: Optional[str] = None,
         record: Optional[str] = None, hide_panel: bool = False, validation: bool = False,
         frames_in_flight: int = 3, device: Optional[str] = None, name: str = "python") -> int:
    """The live viewer (window, panel, keys of cuvk-viewer) showing what ``on_frame(frame)`` writes each frame.

    outputs: the outputs (:func:`image`, :func:`points`, :func:`mesh`); default one linear RGBA8 image of the
    window's size. params: ``{"name": (default, min, max)}``, shown in the panel, read as ``frame.params``.
    on_frame returns False to close the viewer (anything else goes on); an exception it raises closes it too and is
    raised again here. Writes go on ``frame.stream`` or a stream given to ``frame.use_stream``. Returns the frames
    shown. headless: an offscreen image instead of a window (no display needed)."""
    if backend not in _BACKENDS:
        raise UsageError(f"backend {backend!r}: choose one of {', '.join(_BACKENDS)}")
    outs = list(outputs) if outputs else [image(width, height)]
    out_array = (_OutputInfo * len(outs))(*outs)
    items = list((params or {}).items())
    param_array = (_ParamInfo * max(len(items), 1))(*[_ParamInfo(k.encode(), *map(float, v)) for k, v in items])
    raised: List[BaseException] = []

    def call(raw, _user):
        frame = Frame(None, raw.contents)
        try:
            go_on = on_frame(frame)
            if frame._open:
                frame.end()
            return 1 if go_on is False else 0
        except BaseException as e:  # noqa: B902 - raised again after the viewer closed
            raised.append(e)
            return 1
        finally:
            frame._open = False

    callback = _FrameCallback(call)
    info = _ViewerInfo(ctypes.sizeof(_ViewerInfo), name.encode(), int(width), int(height), _BACKENDS[backend],
                       int(frames_in_flight), int(bool(validation)), device.encode() if device else None,
                       int(bool(headless)), int(frames), os.fspath(screenshot).encode() if screenshot else None,
                       os.fspath(record).encode() if record else None, int(bool(hide_panel)), out_array, len(outs),
                       param_array, len(items), callback, None)
    shown = ctypes.c_uint64()
    status = _library().cuvk_viewer_run(ctypes.byref(info), ctypes.byref(shown))
    if raised:
        raise raised[0]
    _check(status)
    return shown.value
