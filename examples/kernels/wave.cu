// A 2D wave: height and velocity per pixel, drops falling in over time. Live kernel.
// @output r32f
// @state float2
// @param float speed 0.45 0 0.5 "wave speed (stable below 0.5)"
// @param float damping 0.002 0 0.05
// @param int drops 3 0 16 "drops per second"
extern "C" __global__ void step(cudaSurfaceObject_t out, int width, int height, unsigned frame, float time,
                                const float2* in, float2* next, float speed, float damping, int drops) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= width || y >= height)
        return;
    const int i = y * width + x;
    const float2 c = frame == 0 ? make_float2(0.0f, 0.0f) : in[i];
    const int xl = max(x - 1, 0), xr = min(x + 1, width - 1), yu = max(y - 1, 0), yd = min(y + 1, height - 1);
    const float lap = frame == 0 ? 0.0f
                                 : in[y * width + xl].x + in[y * width + xr].x + in[yu * width + x].x +
                                       in[yd * width + x].x - 4.0f * c.x;
    float v = (c.y + speed * lap) * (1.0f - damping);
    float h = c.x + v;
    // A drop every 1/drops seconds, at a place that follows from its number.
    const unsigned drop = drops > 0 ? unsigned(time * drops) : 0u;
    const unsigned seed = drop * 2654435761u;
    const int cx = int(seed % unsigned(width)), cy = int((seed >> 16) % unsigned(height));
    if (drops > 0 && (x - cx) * (x - cx) + (y - cy) * (y - cy) < 9 && fmodf(time * drops, 1.0f) < 0.05f)
        h = 1.0f;
    next[i] = make_float2(h, v);
    surf2Dwrite(h, out, x * 4, y);
}
