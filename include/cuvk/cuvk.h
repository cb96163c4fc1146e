/* cuvk.h — the C ABI of cuvk (shared library libcuvk): show what your own code writes, frame by frame, through
 * cuvk's frame ring, from C or any language with a C FFI (the Python package uses it through ctypes).
 *
 * A session owns a Vulkan context, one frame ring of N slots and an offscreen target, and draws every frame into the
 * target. Declare outputs (images or point/mesh vertex buffers) and parameters first; then, frame after frame,
 * cuvk_session_begin_frame() hands out where this frame's outputs live (CUDA memory on the interop and staging
 * backends, host memory on the cpu backend) and the CUDA stream to write them on; write them; cuvk_session_end_frame()
 * hands them to Vulkan, which draws them. No copy through the host on the interop backend: the memory is Vulkan's.
 *
 * Stability: handles are opaque; structs passed in begin with `struct_size` (set it to sizeof), so later versions
 * may append fields; enum values never change meaning. cuvk_abi_version() is bumped on any incompatible change.
 * Errors: every function returns a cuvk_status; on anything but CUVK_OK, cuvk_last_error() holds one line naming
 * what failed (thread-local, valid until the thread's next call). No C++ exception crosses this boundary.
 * Threads: a session is used by one thread at a time.
 */
#ifndef CUVK_CUVK_H
#define CUVK_CUVK_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define CUVK_API __declspec(dllexport)
#else
#define CUVK_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define CUVK_ABI_VERSION 1u

typedef enum cuvk_status {
    CUVK_OK = 0,
    CUVK_ERROR_USAGE = 1,       /* bad arguments or a call out of order: fix the caller */
    CUVK_ERROR_RUNTIME = 2,     /* a Vulkan or CUDA call failed, or the GPU did not finish */
    CUVK_ERROR_UNSUPPORTED = 3, /* this device or backend cannot do it */
} cuvk_status;

typedef enum cuvk_backend {
    CUVK_BACKEND_AUTO = 0,    /* interop where a CUDA device matches the Vulkan device, else cpu */
    CUVK_BACKEND_INTEROP = 1, /* CUDA writes Vulkan memory directly */
    CUVK_BACKEND_STAGING = 2, /* CUDA writes its own memory, copied through the host */
    CUVK_BACKEND_CPU = 3,     /* the host writes host-visible Vulkan memory */
} cuvk_backend;

typedef enum cuvk_format {
    CUVK_FORMAT_RGBA8 = 0, /* UNORM, R in the lowest byte */
    CUVK_FORMAT_BGRA8 = 1,
    CUVK_FORMAT_RGBA16F = 2,
    CUVK_FORMAT_RGBA32F = 3,
    CUVK_FORMAT_R32F = 4, /* drawn as grey */
} cuvk_format;

typedef enum cuvk_output_kind {
    CUVK_OUTPUT_IMAGE = 0,  /* drawn over the whole target */
    CUVK_OUTPUT_POINTS = 1, /* vertices of 16 bytes: float x, y, z in [-1, 1], uint32 RGBA8 */
    CUVK_OUTPUT_MESH = 2,   /* a grid of vertices of 32 bytes: float px, py, pz, pad, nx, ny, nz, pad */
} cuvk_output_kind;

typedef struct cuvk_session cuvk_session;

typedef struct cuvk_session_info {
    uint32_t struct_size;      /* sizeof(cuvk_session_info) */
    const char* name;          /* debug names and errors; NULL: "cuvk" */
    uint32_t width, height;    /* the target, pixels */
    cuvk_backend backend;      /* CUVK_BACKEND_AUTO by default (0) */
    uint32_t frames_in_flight; /* ring slots N, 1..8; 0: 3 */
    int validation;            /* nonzero: the Khronos validation layer, any message fails the call that caused it */
    const char* device;        /* Vulkan device: index, UUID or name; NULL: the best */
} cuvk_session_info;

typedef struct cuvk_output_info {
    uint32_t struct_size; /* sizeof(cuvk_output_info) */
    cuvk_output_kind kind;
    uint32_t width, height; /* image: level 0; mesh: vertices per row, rows */
    cuvk_format format;     /* image */
    uint32_t mip_levels;    /* image: 0 or 1 for one level */
    uint64_t vertex_count;  /* points */
    uint32_t linear;        /* image, nonzero: rows in a buffer with a pitch (one level), drawn straight from it, so
                               that CUDA writes it through a pointer (what PyTorch and CuPy arrays see) */
} cuvk_output_info;

/* Where one output of the frame begun lives. Write all of it (every level, every vertex) before ending the frame. */
typedef struct cuvk_frame_output {
    cuvk_output_kind kind;
    cuvk_format format;
    uint32_t width, height, mip_levels;
    uint64_t vertex_count;
    int32_t device;        /* -1: `data` is host memory (cpu backend); else the CUDA device ordinal */
    void* data;            /* host memory of level 0 (cpu); CUDA memory of a linear image or of the vertices;
                              NULL for a CUDA image that is not linear (write it through `surfaces`) */
    uint64_t pitch;        /* bytes from one row of level 0 to the next (images in host memory, linear images) */
    uint32_t linear;       /* a linear image */
    uint64_t bytes;        /* of `data`: every level tightly packed one after another, or every vertex */
    uint64_t surfaces[16]; /* CUDA images: a cudaSurfaceObject_t per mip level (surf2Dwrite) */
    uint64_t texture;      /* CUDA images: a cudaTextureObject_t of the slot (what it held N frames ago) */
} cuvk_frame_output;

typedef struct cuvk_frame {
    uint64_t index; /* 0, 1, 2, ... */
    double time;    /* seconds: index / 60 */
    void* stream;   /* the cudaStream_t to write on (NULL on the cpu backend); never synchronize it */
    uint32_t output_count;
    cuvk_frame_output outputs[8];
    const float* params; /* the parameters' values for this frame, declaration order (a viewer's panel sets them) */
    uint32_t param_count;
} cuvk_frame;

/* A parameter of a viewer: shown in its panel, handed to every frame. */
typedef struct cuvk_param_info {
    const char* name;
    float value, min, max;
} cuvk_param_info;

/* Called once per frame with the frame's outputs to write (before returning, on frame->stream for CUDA); return 0 to
 * go on, nonzero to close the viewer after this frame. `frame` is valid during the call only. */
typedef int (*cuvk_frame_callback)(const cuvk_frame* frame, void* user);

typedef struct cuvk_viewer_info {
    uint32_t struct_size;      /* sizeof(cuvk_viewer_info) */
    const char* name;          /* the simulation's name in the panel; NULL: "cuvk" */
    uint32_t width, height;    /* the window (or, headless, the image) */
    cuvk_backend backend;      /* CUVK_BACKEND_AUTO by default (0) */
    uint32_t frames_in_flight; /* 0: 3 */
    int validation;
    const char* device;
    int headless;           /* nonzero: draw into an offscreen image, panel included (no display needed) */
    uint64_t frames;        /* stop after this many frames; 0: until the window closes or on_frame says stop */
    const char* screenshot; /* a PNG of the last frame, panel included; NULL: none */
    const char* record;     /* a video of every frame (ffmpeg), else a PNG sequence beside it; NULL: none */
    int hide_panel;
    const cuvk_output_info* outputs; /* 1..8, the first drawn */
    uint32_t output_count;
    const cuvk_param_info* params;
    uint32_t param_count;
    cuvk_frame_callback on_frame;
    void* user;
} cuvk_viewer_info;

CUVK_API uint32_t cuvk_abi_version(void);
CUVK_API const char* cuvk_version(void);    /* e.g. "0.3.0" */
CUVK_API const char* cuvk_last_error(void); /* "" when the thread's last call succeeded */

/* A headless session drawing into an offscreen image. *out is NULL on failure. */
CUVK_API cuvk_status cuvk_session_create(const cuvk_session_info* info, cuvk_session** out);
/* Waits (bounded) for the GPU and frees everything; NULL is allowed. A frame begun and not ended is ended first (drawn
 * as written); release a stream of your own (cuvk_session_stream_release) before, or it is not waited for. */
CUVK_API cuvk_status cuvk_session_destroy(cuvk_session* session);
/* The backend the session runs ("interop", "staging", "cpu"); valid while the session lives. */
CUVK_API const char* cuvk_session_backend(const cuvk_session* session);

/* Before the first frame: outputs (1..8; the first is drawn) and parameters. *index may be NULL. */
CUVK_API cuvk_status cuvk_session_add_output(cuvk_session* session, const cuvk_output_info* info, uint32_t* index);
CUVK_API cuvk_status cuvk_session_add_param(cuvk_session* session, const char* name, float value, float min, float max,
                                            uint32_t* index);
/* At any time: a parameter's value (within [min, max], else CUVK_ERROR_USAGE). */
CUVK_API cuvk_status cuvk_session_set_param(cuvk_session* session, uint32_t index, float value);
CUVK_API cuvk_status cuvk_session_get_param(const cuvk_session* session, uint32_t index, float* value);

/* The next frame: waits until its slot is free (on the GPU for CUDA backends) and fills *frame. */
CUVK_API cuvk_status cuvk_session_begin_frame(cuvk_session* session, cuvk_frame* frame);
/* Writing the outputs on a stream of your own instead of frame->stream (PyTorch's current stream, say): call
 * cuvk_session_stream_acquire(s, stream) before enqueueing the writes, so that `stream` waits (on the GPU) until the
 * frame's slot is free, and cuvk_session_stream_release(s, stream) after them, so that the frame's end waits for
 * everything enqueued on `stream` so far. Both take a cudaStream_t (NULL: the legacy default stream) and do nothing on
 * the cpu backend; CUVK_ERROR_USAGE outside a frame. */
CUVK_API cuvk_status cuvk_session_stream_acquire(cuvk_session* session, void* stream);
CUVK_API cuvk_status cuvk_session_stream_release(cuvk_session* session, void* stream);
/* Hands the frame's outputs to Vulkan (after the work enqueued on frame->stream) and draws the frame. */
CUVK_API cuvk_status cuvk_session_end_frame(cuvk_session* session);
/* Records every frame drawn from now on into `path`: a video through ffmpeg (the format its extension names), or,
 * without ffmpeg, a PNG sequence in a directory beside it; frames the writer cannot keep up with are dropped and
 * counted. path NULL: finishes the recording (destroy does too; a video appears whole or not at all). */
CUVK_API cuvk_status cuvk_session_record(cuvk_session* session, const char* path, double fps);
/* Waits until the GPU has drawn every frame ended so far (the work of each frame's streams included); a frame begun
 * and not ended is a usage error. Use it to time a run or before reading what your own code keeps. */
CUVK_API cuvk_status cuvk_session_finish(cuvk_session* session);
/* Waits for every frame drawn and writes the last one as a PNG (whole, or nothing under that name). */
CUVK_API cuvk_status cuvk_session_screenshot(cuvk_session* session, const char* png_path);

/* The live viewer (cuvk-viewer's window, panel and keys) showing what on_frame writes each frame; returns when the
 * window closes, after info->frames frames, or after on_frame returned nonzero. *frames_shown (may be NULL): how many
 * frames were drawn. A window needs a display (run headless without one). */
CUVK_API cuvk_status cuvk_viewer_run(const cuvk_viewer_info* info, uint64_t* frames_shown);
/* Makes CUDA stream `waiter` wait for the work enqueued on `after` so far, with CUDA device `device` current (inside
 * on_frame: order a stream of your own with frame->stream — before writing, and frame->stream after it before
 * returning). */
CUVK_API cuvk_status cuvk_stream_wait(void* waiter, void* after, int device);
/* Copies `rows` rows of `row_bytes` bytes from `src` (CUDA memory of device `device`, or host memory; rows `src_pitch`
 * bytes apart) into CUDA memory `dst` of device `device` (a frame output's data, rows `dst_pitch` apart), enqueued on
 * `stream` (the frame's). CUVK_ERROR_USAGE when `src` is memory of another CUDA device or a pitch is below row_bytes;
 * CUVK_ERROR_UNSUPPORTED without CUDA. For an output on the cpu backend, copy with memcpy. */
CUVK_API cuvk_status cuvk_copy_rows(void* dst, uint64_t dst_pitch, const void* src, uint64_t src_pitch,
                                    uint64_t row_bytes, uint64_t rows, void* stream, int device);

#ifdef __cplusplus
}
#endif

#endif /* CUVK_CUVK_H */
