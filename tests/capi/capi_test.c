/* The C ABI from a plain C99 translation unit: every function of cuvk.h, its errors and its frames, on the cpu backend
 * (lavapipe in CI; on a GPU machine too, the cpu backend being asked for). Each check prints one line; the exit status
 * is the number of failed checks. The pixels drawn are read back from the screenshot and compared with what was
 * written: the compositor draws an output of the target's size texel for texel.
 *
 *     capi_test OUT_DIR
 */
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

#include "cuvk/cuvk.h"

#include <stdio.h>
#include <string.h>

static int failures = 0;

static void check(const char* what, int ok) {
    printf("%s: %s\n", ok ? "ok" : "FAILED", what);
    if (!ok) {
        printf("  last error: %s\n", cuvk_last_error());
        ++failures;
    }
}

static uint32_t texel(uint32_t x, uint32_t y, uint64_t frame) {
    return (x * 4u & 0xffu) | (y * 8u & 0xffu) << 8 | (uint32_t)(frame * 50u & 0xffu) << 16 | 0xff000000u;
}

enum { W = 64, H = 32 };

/* 1 when the PNG at `path` is W x H and holds frame k's pattern texel for texel. */
static int shows_frame(const char* path, uint64_t k) {
    int w = 0, h = 0, n = 0, same;
    uint32_t x, y;
    unsigned char* png = stbi_load(path, &w, &h, &n, 4);
    same = png != NULL && w == W && h == H;
    for (y = 0; same && y < H; ++y)
        for (x = 0; x < W; ++x) {
            uint32_t got;
            memcpy(&got, png + (y * W + x) * 4, 4);
            same = same && got == texel(x, y, k);
        }
    stbi_image_free(png);
    return same;
}

/* The viewer's callback: writes frame k's pattern, counts the calls, asks to stop at frame `stop_at` (if set). */
typedef struct {
    int calls;
    uint64_t stop_at;
    int bad;
} viewer_state;

static int on_frame(const cuvk_frame* f, void* user) {
    viewer_state* st = (viewer_state*)user;
    uint32_t x, y;
    ++st->calls;
    if (f->output_count != 1 || f->outputs[0].data == NULL || f->outputs[0].device != -1 || f->param_count != 1 ||
        f->params[0] != 0.5f)
        st->bad = 1;
    for (y = 0; y < H && !st->bad; ++y)
        for (x = 0; x < W; ++x) {
            const uint32_t t = texel(x, y, f->index);
            memcpy((unsigned char*)f->outputs[0].data + y * f->outputs[0].pitch + x * 4, &t, 4);
        }
    return st->stop_at && f->index == st->stop_at;
}

int main(int argc, char** argv) {
    char path[1024], bad_path[1024];
    const char* out = argc > 1 ? argv[1] : ".";
    cuvk_session* s = NULL;
    cuvk_session_info info;
    cuvk_output_info image, points, bad;
    cuvk_frame frame;
    uint32_t index = 99, x, y;
    float value = 0.0f;

    snprintf(path, sizeof path, "%s/capi-frame.png", out);
    snprintf(bad_path, sizeof bad_path, "%s/no-such-dir/frame.png", out);

    check("the ABI version is the header's", cuvk_abi_version() == CUVK_ABI_VERSION);
    check("the library names its version", strlen(cuvk_version()) > 0);

    check("no info is a usage error",
          cuvk_session_create(NULL, &s) == CUVK_ERROR_USAGE && s == NULL && strstr(cuvk_last_error(), "info") != NULL);
    memset(&info, 0, sizeof info);
    info.width = W;
    info.height = H;
    check("an unset struct_size is a usage error naming it",
          cuvk_session_create(&info, &s) == CUVK_ERROR_USAGE && strstr(cuvk_last_error(), "struct_size") != NULL);
    info.struct_size = sizeof info;
    info.name = "capi-test";
    info.backend = CUVK_BACKEND_CPU;
    info.frames_in_flight = 9;
    check("9 frames in flight are a usage error", cuvk_session_create(&info, &s) == CUVK_ERROR_USAGE);
    info.frames_in_flight = 2;
    info.validation = 1;
    check("a cpu session is created", cuvk_session_create(&info, &s) == CUVK_OK && s != NULL);
    if (!s)
        return failures;
    check("the last error is empty after a success", cuvk_last_error()[0] == '\0');
    check("it runs the cpu backend", strcmp(cuvk_session_backend(s), "cpu") == 0);

    memset(&image, 0, sizeof image);
    image.struct_size = sizeof image;
    image.kind = CUVK_OUTPUT_IMAGE;
    image.width = W;
    image.height = H;
    image.format = CUVK_FORMAT_RGBA8;
    check("an image output is declared as output 0",
          cuvk_session_add_output(s, &image, &index) == CUVK_OK && index == 0);
    bad = image;
    bad.kind = (cuvk_output_kind)7;
    check("an unknown output kind is a usage error", cuvk_session_add_output(s, &bad, NULL) == CUVK_ERROR_USAGE);
    bad = image;
    bad.mip_levels = 9; /* 64x32 has 7 levels */
    check("too many mip levels are a usage error", cuvk_session_add_output(s, &bad, NULL) == CUVK_ERROR_USAGE);
    check("a parameter is declared",
          cuvk_session_add_param(s, "gain", 0.5f, 0.0f, 1.0f, &index) == CUVK_OK && index == 0);
    check("a default outside its range is a usage error",
          cuvk_session_add_param(s, "bad", 2.0f, 0.0f, 1.0f, NULL) == CUVK_ERROR_USAGE);
    check("a value outside the range is refused", cuvk_session_set_param(s, 0, 2.0f) == CUVK_ERROR_USAGE);
    check("a parameter that does not exist is refused", cuvk_session_set_param(s, 3, 0.0f) == CUVK_ERROR_USAGE);
    check("a value is set and read back", cuvk_session_set_param(s, 0, 0.25f) == CUVK_OK &&
                                              cuvk_session_get_param(s, 0, &value) == CUVK_OK && value == 0.25f);
    check("ending a frame never begun is a usage error", cuvk_session_end_frame(s) == CUVK_ERROR_USAGE);
    check("ordering a stream outside a frame is a usage error",
          cuvk_session_stream_acquire(s, NULL) == CUVK_ERROR_USAGE &&
              cuvk_session_stream_release(s, NULL) == CUVK_ERROR_USAGE);
    check("a screenshot before any frame is a usage error", cuvk_session_screenshot(s, path) == CUVK_ERROR_USAGE);
    check("finishing before any frame has nothing to wait for", cuvk_session_finish(s) == CUVK_OK);

    for (uint64_t k = 0; k < 3; ++k) {
        memset(&frame, 0, sizeof frame);
        check("a frame begins", cuvk_session_begin_frame(s, &frame) == CUVK_OK);
        check("its index counts frames", frame.index == k);
        check("its output is host memory of the declared size",
              frame.output_count == 1 && frame.outputs[0].device == -1 && frame.outputs[0].data != NULL &&
                  frame.outputs[0].width == W && frame.outputs[0].height == H && frame.outputs[0].pitch >= W * 4 &&
                  frame.outputs[0].kind == CUVK_OUTPUT_IMAGE && frame.outputs[0].format == CUVK_FORMAT_RGBA8 &&
                  frame.stream == NULL);
        for (y = 0; y < H; ++y)
            for (x = 0; x < W; ++x) {
                const uint32_t t = texel(x, y, k);
                memcpy((unsigned char*)frame.outputs[0].data + y * frame.outputs[0].pitch + x * 4, &t, 4);
            }
        if (k == 1) {
            check("a second begin is a usage error", cuvk_session_begin_frame(s, &frame) == CUVK_ERROR_USAGE);
            check("finishing inside a frame is a usage error", cuvk_session_finish(s) == CUVK_ERROR_USAGE);
            check("streams are ordered (nothing to do on the cpu backend)",
                  cuvk_session_stream_acquire(s, NULL) == CUVK_OK && cuvk_session_stream_release(s, NULL) == CUVK_OK);
        }
        check("the frame ends", cuvk_session_end_frame(s) == CUVK_OK);
    }
    check("the session finishes its frames", cuvk_session_finish(s) == CUVK_OK);
    check("outputs are declared before the first frame only",
          cuvk_session_add_output(s, &image, NULL) == CUVK_ERROR_USAGE);
    check("the screenshot is written", cuvk_session_screenshot(s, path) == CUVK_OK);
    check("it shows what frame 2 wrote, texel for texel", shows_frame(path, 2));
    check("a screenshot that cannot be written is a runtime error naming the file",
          cuvk_session_screenshot(s, bad_path) == CUVK_ERROR_RUNTIME && strstr(cuvk_last_error(), "no-such-dir"));
    check("the session is destroyed", cuvk_session_destroy(s) == CUVK_OK);
    check("destroying NULL is allowed", cuvk_session_destroy(NULL) == CUVK_OK);

    /* A recording of the frames drawn: a video through ffmpeg, or PNG frames beside it. */
    {
        char video[1024], frames_dir[1024];
        FILE* f;
        snprintf(video, sizeof video, "%s/capi-recording.mp4", out);
        snprintf(frames_dir, sizeof frames_dir, "%s/capi-recording-frames/frame-000000.png", out);
        remove(video);
        s = NULL;
        check("a session to record is created", cuvk_session_create(&info, &s) == CUVK_OK);
        image.linear = 0;
        check("its output is declared", cuvk_session_add_output(s, &image, NULL) == CUVK_OK);
        check("a rate of 0 fps is a usage error", cuvk_session_record(s, video, 0.0) == CUVK_ERROR_USAGE);
        check("recording starts", cuvk_session_record(s, video, 30.0) == CUVK_OK);
        check("a second recording is a usage error", cuvk_session_record(s, video, 30.0) == CUVK_ERROR_USAGE);
        for (uint64_t k = 0; k < 6; ++k) {
            check("a recorded frame begins", cuvk_session_begin_frame(s, &frame) == CUVK_OK);
            for (y = 0; y < H; ++y)
                for (x = 0; x < W; ++x) {
                    const uint32_t t = texel(x, y, k);
                    memcpy((unsigned char*)frame.outputs[0].data + y * frame.outputs[0].pitch + x * 4, &t, 4);
                }
            check("and ends", cuvk_session_end_frame(s) == CUVK_OK);
        }
        check("recording finishes", cuvk_session_record(s, NULL, 0.0) == CUVK_OK);
        f = fopen(video, "rb");
        if (!f)
            f = fopen(frames_dir, "rb");
        check("a video (or, without ffmpeg, PNG frames) was written", f != NULL);
        if (f)
            fclose(f);
        check("the recording session is destroyed", cuvk_session_destroy(s) == CUVK_OK);
    }

    /* A linear image: rows in a buffer, drawn straight from it; the same pixels. */
    s = NULL;
    check("a session for a linear image is created", cuvk_session_create(&info, &s) == CUVK_OK);
    image.linear = 1;
    image.mip_levels = 2;
    check("a linear image has one level", cuvk_session_add_output(s, &image, NULL) == CUVK_ERROR_USAGE);
    image.mip_levels = 1;
    check("a linear image output is declared", cuvk_session_add_output(s, &image, NULL) == CUVK_OK);
    check("its frame begins", cuvk_session_begin_frame(s, &frame) == CUVK_OK && frame.outputs[0].linear == 1 &&
                                  frame.outputs[0].data != NULL && frame.outputs[0].pitch == W * 4);
    for (y = 0; y < H; ++y)
        for (x = 0; x < W; ++x) {
            const uint32_t t = texel(x, y, 7);
            memcpy((unsigned char*)frame.outputs[0].data + y * frame.outputs[0].pitch + x * 4, &t, 4);
        }
    check("it ends", cuvk_session_end_frame(s) == CUVK_OK);
    check("its screenshot is written", cuvk_session_screenshot(s, path) == CUVK_OK);
    check("it shows the linear image texel for texel", shows_frame(path, 7));
    check("the linear session is destroyed", cuvk_session_destroy(s) == CUVK_OK);

    /* Points, and a session destroyed with a frame begun. */
    s = NULL;
    check("a second session is created", cuvk_session_create(&info, &s) == CUVK_OK);
    memset(&points, 0, sizeof points);
    points.struct_size = sizeof points;
    points.kind = CUVK_OUTPUT_POINTS;
    points.vertex_count = 1000;
    check("a points output is declared", cuvk_session_add_output(s, &points, NULL) == CUVK_OK);
    check("a points frame begins", cuvk_session_begin_frame(s, &frame) == CUVK_OK && frame.outputs[0].data != NULL &&
                                       frame.outputs[0].bytes == 16000 && frame.outputs[0].vertex_count == 1000);
    memset(frame.outputs[0].data, 0, 16000);
    check("it ends", cuvk_session_end_frame(s) == CUVK_OK);
    check("another begins and is left open", cuvk_session_begin_frame(s, &frame) == CUVK_OK);
    check("the session is destroyed with a frame begun", cuvk_session_destroy(s) == CUVK_OK);

    /* The viewer, headless (the panel hidden), driven by a callback. */
    {
        char shot[1024];
        cuvk_viewer_info v;
        cuvk_output_info linear_image = image;
        cuvk_param_info gain = {"gain", 0.5f, 0.0f, 1.0f};
        viewer_state st = {0, 0, 0};
        uint64_t shown = 0;
        snprintf(shot, sizeof shot, "%s/capi-viewer.png", out);
        memset(&v, 0, sizeof v);
        linear_image.linear = 1;
        linear_image.mip_levels = 1;
        v.struct_size = sizeof v;
        v.name = "capi-viewer";
        v.width = W;
        v.height = H;
        v.backend = CUVK_BACKEND_CPU;
        v.validation = 1;
        v.headless = 1;
        v.hide_panel = 1;
        v.frames = 5;
        v.screenshot = shot;
        v.outputs = &linear_image;
        v.output_count = 1;
        v.params = &gain;
        v.param_count = 1;
        v.on_frame = on_frame;
        v.user = &st;
        check("a viewer without a callback is a usage error",
              (v.on_frame = NULL, cuvk_viewer_run(&v, &shown)) == CUVK_ERROR_USAGE);
        v.on_frame = on_frame;
        check("the headless viewer runs 5 frames", cuvk_viewer_run(&v, &shown) == CUVK_OK && shown == 5);
        check("the callback wrote every frame with its parameter", st.calls >= 5 && !st.bad);
        check("its screenshot shows frame 4 as the callback wrote it", shows_frame(shot, 4));
        st.calls = 0;
        st.stop_at = 2;
        v.frames = 0;
        v.screenshot = NULL;
        check("a callback returning nonzero stops the viewer after that frame",
              cuvk_viewer_run(&v, &shown) == CUVK_OK && shown == 3 && st.calls == 3);
        check("a stream waiting for itself is nothing to do", cuvk_stream_wait(NULL, NULL, 0) == CUVK_OK);
    }
    {
        unsigned char a[64], b[64];
        const cuvk_status st = cuvk_copy_rows(a, 8, b, 16, 12, 4, NULL, 0);
        check("copying rows wider than the pitch is a usage error (or no CUDA in this build)",
              (st == CUVK_ERROR_USAGE && strstr(cuvk_last_error(), "pitch") != NULL) || st == CUVK_ERROR_UNSUPPORTED);
        check("copying from NULL is a usage error", cuvk_copy_rows(a, 8, NULL, 8, 8, 1, NULL, 0) == CUVK_ERROR_USAGE);
    }

    /* What the device cannot do. */
    info.backend = CUVK_BACKEND_INTEROP;
    s = NULL;
    {
        const cuvk_status st = cuvk_session_create(&info, &s);
        if (st == CUVK_OK) {
            printf("skipped: interop refused (a CUDA device matches this Vulkan device)\n");
            cuvk_session_destroy(s);
        } else {
            check("interop without a matching CUDA device is unsupported, saying why",
                  st == CUVK_ERROR_UNSUPPORTED && strstr(cuvk_last_error(), "interop") != NULL && s == NULL);
        }
    }
    printf(failures ? "%d check(s) FAILED\n" : "all C ABI checks passed\n", failures);
    return failures;
}
