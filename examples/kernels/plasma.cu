// A plasma: sines of the position and time, coloured. Live kernel (see include/cuvk/compute/kernel_source.hpp).
// @output rgba8
// @param float speed 1.0 0 4 "how fast it moves"
// @param float scale 8.0 1 32 "waves across the image"
extern "C" __global__ void step(cudaSurfaceObject_t out, int width, int height, unsigned frame, float time, float speed,
                                float scale) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= width || y >= height)
        return;
    const float u = scale * x / width, v = scale * y / height, t = time * speed;
    const float s =
        sinf(u + t) + sinf(0.7f * v - 1.3f * t) + sinf(0.5f * (u + v) + 0.7f * t) + sinf(sqrtf(u * u + v * v));
    const float pi = 3.14159265f;
    const unsigned r = unsigned(127.5f + 127.5f * sinf(s * pi));
    const unsigned g = unsigned(127.5f + 127.5f * sinf(s * pi + 2.0944f));
    const unsigned b = unsigned(127.5f + 127.5f * sinf(s * pi + 4.1888f));
    surf2Dwrite(r | g << 8 | b << 16 | 0xff000000u, out, x * 4, y);
}
