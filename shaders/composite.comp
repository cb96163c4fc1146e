#version 450
// Composites a source image into a rectangle of the target: one invocation per target pixel, the source sampled
// at the pixel's centre (linear or nearest per the sampler, at the requested level of detail). Compute instead of
// a blit or a fullscreen triangle: the H100's graphics units are few (DESIGN.md).
layout(local_size_x = 16, local_size_y = 16) in;

layout(set = 0, binding = 0) uniform sampler2D source;
layout(set = 0, binding = 1, rgba8) uniform writeonly image2D target;

layout(push_constant) uniform Push {
    ivec2 offset; // top-left of the rectangle in the target
    ivec2 size;   // rectangle size in pixels
    float lod;    // source level of detail
    uint grey;    // 1: a one-channel source (R32F), shown as grey
} push;

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (any(greaterThanEqual(p, push.size)))
        return;
    const vec2 uv = (vec2(p) + 0.5) / vec2(push.size);
    const vec4 c = textureLod(source, uv, push.lod);
    imageStore(target, push.offset + p, push.grey != 0u ? vec4(c.rrr, 1.0) : c);
}
