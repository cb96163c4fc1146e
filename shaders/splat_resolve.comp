#version 450
// Resolves splat.comp's accumulators into the target's area: each channel's sum of 1/255 units, saturated like the
// raster path's UNORM8 blending, alpha 1 (the raster path clears to opaque black and adds). Built twice: for an RGBA8
// storage target, and (ANY_FORMAT) without a format qualifier (a BGRA8 swapchain image).
layout(local_size_x = 16, local_size_y = 16) in;
#ifdef ANY_FORMAT
layout(set = 0, binding = 2) uniform writeonly image2D target;
#else
layout(set = 0, binding = 2, rgba8) uniform writeonly image2D target;
#endif
layout(set = 0, binding = 1) readonly buffer Accum { uint rgb[]; } accum;

layout(push_constant) uniform Push {
    mat4 view_projection;
    ivec2 offset;
    ivec2 size;
    uint count;
    float snap; // 2^subPixelPrecisionBits: the rasteriser snaps window positions to this grid
} push;

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= push.size.x || p.y >= push.size.y)
        return;
    const uint base = 3u * uint(p.y * push.size.x + p.x);
    const vec3 sum = vec3(min(uvec3(accum.rgb[base], accum.rgb[base + 1u], accum.rgb[base + 2u]), uvec3(255u)));
    imageStore(target, push.offset + p, vec4(sum / 255.0, 1.0));
}
