/* hello-c: a moving gradient written by plain C into cuvk's frames, 60 of them, the last written as a PNG.
 *
 *     hello-c OUT.png
 *
 * It asks for the cpu backend, whose frames are host memory the CPU writes directly (on the CUDA backends a frame's
 * memory is CUDA memory: see cuvk.h); a frame in any other memory is refused. */
#include <cuvk/cuvk.h>

#include <stdio.h>
#include <string.h>

#define W 320
#define H 180

static int fail(const char* what) {
    fprintf(stderr, "hello-c: %s: %s\n", what, cuvk_last_error());
    return 1;
}

int main(int argc, char** argv) {
    cuvk_session_info info;
    cuvk_output_info image;
    cuvk_session* s = NULL;
    uint32_t x, y;
    uint64_t k;
    if (argc < 2) {
        fprintf(stderr, "usage: hello-c OUT.png\n");
        return 2;
    }
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    info.name = "hello-c";
    info.width = W;
    info.height = H;
    info.backend = CUVK_BACKEND_CPU; /* this program writes with the CPU */
    if (cuvk_session_create(&info, &s) != CUVK_OK)
        return fail("create");
    memset(&image, 0, sizeof image);
    image.struct_size = sizeof image;
    image.kind = CUVK_OUTPUT_IMAGE;
    image.width = W;
    image.height = H;
    image.format = CUVK_FORMAT_RGBA8;
    image.linear = 1;
    if (cuvk_session_add_output(s, &image, NULL) != CUVK_OK)
        return fail("add_output");
    for (k = 0; k < 60; ++k) {
        cuvk_frame frame;
        unsigned char* rows;
        if (cuvk_session_begin_frame(s, &frame) != CUVK_OK)
            return fail("begin_frame");
        if (frame.outputs[0].device != -1) {
            fprintf(stderr, "hello-c: the frame is not host memory\n");
            return 1;
        }
        rows = (unsigned char*)frame.outputs[0].data;
        for (y = 0; y < H; ++y)
            for (x = 0; x < W; ++x) {
                unsigned char* p = rows + y * frame.outputs[0].pitch + x * 4;
                p[0] = (unsigned char)((x + k * 4) & 0xff);
                p[1] = (unsigned char)(y * 255 / H);
                p[2] = (unsigned char)(255 - ((x + k * 4) & 0xff));
                p[3] = 255;
            }
        if (cuvk_session_end_frame(s) != CUVK_OK)
            return fail("end_frame");
    }
    if (cuvk_session_screenshot(s, argv[1]) != CUVK_OK)
        return fail("screenshot");
    printf("hello-c: %s backend (cuvk %s), 60 frames, wrote %s\n", cuvk_session_backend(s), cuvk_version(), argv[1]);
    return cuvk_session_destroy(s) == CUVK_OK ? 0 : fail("destroy");
}
