// Gray-Scott reaction-diffusion: u, v per pixel, one explicit step per launch. Live kernel.
// @output rgba8
// @state float2
// @param float feed 0.037 0 0.1 "feed rate of u"
// @param float kill 0.06 0 0.1 "kill rate of v"
// @param float du 0.21 0 0.25 "diffusion of u"
// @param float dv 0.105 0 0.25 "diffusion of v"
extern "C" __global__ void step(cudaSurfaceObject_t out, int width, int height, unsigned frame, float time,
                                const float2* in, float2* next, float feed, float kill, float du, float dv) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= width || y >= height)
        return;
    const int i = y * width + x;
    float2 c = in[i];
    if (frame == 0) { // seed: u = 1 everywhere, a square of v in the middle
        const bool centre = abs(x - width / 2) < width / 16 && abs(y - height / 2) < height / 16;
        c = make_float2(1.0f, centre ? 1.0f : 0.0f);
    }
    const int xl = x > 0 ? x - 1 : width - 1, xr = x + 1 < width ? x + 1 : 0;
    const int yu = y > 0 ? y - 1 : height - 1, yd = y + 1 < height ? y + 1 : 0;
    const float2 l = in[y * width + xl], r = in[y * width + xr], u = in[yu * width + x], d = in[yd * width + x];
    const float lap_u = frame == 0 ? 0.0f : l.x + r.x + u.x + d.x - 4.0f * c.x;
    const float lap_v = frame == 0 ? 0.0f : l.y + r.y + u.y + d.y - 4.0f * c.y;
    const float uvv = c.x * c.y * c.y;
    const float2 n =
        make_float2(c.x + du * lap_u - uvv + feed * (1.0f - c.x), c.y + dv * lap_v + uvv - (feed + kill) * c.y);
    next[i] = n;
    const unsigned g = unsigned(fminf(fmaxf(n.y * 2.5f, 0.0f), 1.0f) * 255.0f);
    surf2Dwrite(g / 4 | g << 8 | (255u - g) / 2 << 16 | 0xff000000u, out, x * 4, y);
}
