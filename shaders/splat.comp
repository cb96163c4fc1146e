#version 450
// Particles splatted by compute (issue: 1M points take ~3.2 ms to rasterise on a GPU with few graphics units): one
// invocation per point transforms it like points.vert, finds the pixel a 1-pixel point covers (as point rasterisation
// does, on the rasteriser's sub-pixel grid), and adds its premultiplied colour in units of 1/255 to that pixel's
// accumulator with atomics — the same sum the raster path's additive UNORM8 blending makes, one rounding per point.
layout(local_size_x = 256) in;

struct PointVertex { float x, y, z; uint rgba; }; // compute::PointVertex
layout(set = 0, binding = 0) readonly buffer Points { PointVertex points[]; } vertices;
layout(set = 0, binding = 1) buffer Accum { uint rgb[]; } accum; // 3 words per pixel of the area, row-major

layout(push_constant) uniform Push {
    mat4 view_projection;
    ivec2 offset; // the area in the target (only its size matters here)
    ivec2 size;
    uint count;
    float snap; // 2^subPixelPrecisionBits: the rasteriser snaps window positions to this grid
} push;

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= push.count)
        return;
    const PointVertex v = vertices.points[i];
    const vec4 clip = push.view_projection * vec4(v.x, v.y, v.z, 1.0);
    // Vulkan clips points outside -w <= x, y <= w, 0 <= z <= w.
    if (clip.w <= 0.0 || abs(clip.x) > clip.w || abs(clip.y) > clip.w || clip.z < 0.0 || clip.z > clip.w)
        return;
    const vec2 ndc = clip.xy / clip.w;
    // Window position relative to the area's corner, snapped to the rasteriser's sub-pixel grid. A 1-pixel point
    // covers the pixel whose centre lies in [x - 0.5, x + 0.5): pixel ceil(x) - 1 (x - 1 when x falls on an edge).
    const vec2 window = round((ndc * 0.5 + 0.5) * vec2(push.size) * push.snap) / push.snap;
    const ivec2 p = ivec2(ceil(window)) - 1;
    if (p.x < 0 || p.y < 0 || p.x >= push.size.x || p.y >= push.size.y)
        return;
    const vec4 c = unpackUnorm4x8(v.rgba);
    const uvec3 add = uvec3(round(c.rgb * c.a * 255.0));
    const uint base = 3u * uint(p.y * push.size.x + p.x);
    if (add.r != 0u) atomicAdd(accum.rgb[base + 0u], add.r);
    if (add.g != 0u) atomicAdd(accum.rgb[base + 1u], add.g);
    if (add.b != 0u) atomicAdd(accum.rgb[base + 2u], add.b);
}
