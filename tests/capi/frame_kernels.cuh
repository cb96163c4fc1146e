// Two kernels that write one frame of a linear RGBA8 image output (rows `pitch` bytes apart), used by capi-fps (C++,
// compiled by nvcc) and by python/benchmarks/fps_vs_c.py (the same text compiled by CuPy's RawKernel), so that the
// two measure the same GPU work and differ only in the language that drives the frame loop.
// No includes and C linkage: the file must compile under NVRTC as it is.

// A plasma: a few sines per pixel (compute-bound).
extern "C" __global__ void cuvk_fps_plasma(unsigned int* rows, unsigned long long pitch, int w, int h, float t) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h)
        return;
    const float u = x / (float)w * 8.0f, v = y / (float)h * 8.0f;
    const float s =
        sinf(u + t) + sinf(v * 0.7f - t * 1.3f) + sinf((u + v) * 0.5f + t * 0.7f) + sinf(sqrtf(u * u + v * v));
    const unsigned int r = (unsigned int)(127.5f + 127.5f * sinf(s * 3.14159f));
    const unsigned int g = (unsigned int)(127.5f + 127.5f * sinf(s * 3.14159f + 2.094f));
    const unsigned int b = (unsigned int)(127.5f + 127.5f * sinf(s * 3.14159f + 4.188f));
    unsigned int* row = (unsigned int*)((char*)rows + y * pitch);
    row[x] = r | g << 8 | b << 16 | 0xff000000u;
}

// out = base + k, byte by byte, wrapping (what torch.add(base, k, out=image) computes on uint8 tensors; memory-bound).
extern "C" __global__ void cuvk_fps_add(const unsigned int* base, unsigned int* rows, unsigned long long pitch, int w,
                                        int h, unsigned int k) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h)
        return;
    const unsigned int b = base[(unsigned long long)y * w + x];
    const unsigned int k8 = k & 0xffu;
    unsigned int out = 0;
    for (int c = 0; c < 4; ++c)
        out |= ((b >> (8 * c)) + k8 & 0xffu) << (8 * c);
    unsigned int* row = (unsigned int*)((char*)rows + y * pitch);
    row[x] = out;
}
