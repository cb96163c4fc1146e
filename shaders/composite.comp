#version 450
// Composites a source image into a rectangle of the target: one invocation per target pixel, the source sampled
// at the pixel's centre mapped through a pan/zoom window (linear or nearest per the sampler, at the requested level
// of detail). One-channel sources (R32F) go through a colour map over a fixed range or the range range.comp found.
// Compute instead of a blit or a fullscreen triangle: the H100's graphics units are few (DESIGN.md).
// Built twice: for an RGBA8 storage target, and (ANY_FORMAT) without a format qualifier for a target of any
// storable format, such as a BGRA8 swapchain image (needs shaderStorageImageWriteWithoutFormat); and both again
// (BUFFER_SOURCE) for a source that is a linear image in a buffer (no mip levels; mode 3 is not offered).
layout(local_size_x = 16, local_size_y = 16) in;

#ifdef BUFFER_SOURCE
// A linear image: rows of push.source_size.x texels, one after another, read through a uniform texel buffer whose
// format converts them (RGBA8 UNORM, R32F, ...): bilinear by hand, or nearest.
layout(set = 0, binding = 0) uniform samplerBuffer source;
#else
layout(set = 0, binding = 0) uniform sampler2D source;
#endif
#ifdef ANY_FORMAT
layout(set = 0, binding = 1) uniform writeonly image2D target;
#else
layout(set = 0, binding = 1, rgba8) uniform writeonly image2D target;
#endif
// The automatic range: order-preserving integer keys of the smallest and largest value (range.comp).
layout(set = 0, binding = 2) readonly buffer Range { uint lo_key; uint hi_key; } auto_range;

layout(push_constant) uniform Push {
    ivec2 offset;   // top-left of the rectangle in the target
    ivec2 size;     // rectangle size in pixels
    vec2 uv_origin; // source coordinate at the rectangle's top-left corner
    vec2 uv_span;   // source coordinates across the rectangle (1, 1: the whole source)
    vec2 range;     // fixed range of a mapped source
    float lod;      // source level of detail
    uint mode;      // 0: as stored, 1: grey, 2: colour map over `range`, 3: colour map over the automatic range
    ivec2 source_size; // BUFFER_SOURCE: the linear image's width and height
    uint filter_linear; // BUFFER_SOURCE: 1 bilinear, 0 nearest
} push;

#ifdef BUFFER_SOURCE
vec4 fetch(ivec2 t) {
    t = clamp(t, ivec2(0), push.source_size - 1);
    return texelFetch(source, t.y * push.source_size.x + t.x);
}
vec4 sample_source(vec2 uv) {
    const vec2 st = uv * vec2(push.source_size) - 0.5; // texel centres at integers
    if (push.filter_linear == 0u)
        return fetch(ivec2(floor(st + 0.5)));
    const ivec2 i = ivec2(floor(st));
    const vec2 f = st - vec2(i);
    return mix(mix(fetch(i), fetch(i + ivec2(1, 0)), f.x), mix(fetch(i + ivec2(0, 1)), fetch(i + ivec2(1, 1)), f.x),
               f.y);
}
#endif

float from_key(uint k) {
    return uintBitsToFloat((k & 0x80000000u) != 0u ? (k & 0x7fffffffu) : ~k);
}

// A perceptually ordered map, dark violet -> blue -> teal -> green -> yellow, linear between five stops.
vec3 colour_map(float t) {
    const vec3 stops[5] = vec3[5](vec3(0.267, 0.005, 0.329), vec3(0.231, 0.322, 0.545), vec3(0.129, 0.569, 0.549),
                                  vec3(0.369, 0.788, 0.384), vec3(0.992, 0.906, 0.145));
    const float s = clamp(t, 0.0, 1.0) * 4.0;
    const int i = min(int(s), 3);
    return mix(stops[i], stops[i + 1], s - float(i));
}

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (any(greaterThanEqual(p, push.size)))
        return;
    const vec2 uv = push.uv_origin + (vec2(p) + 0.5) / vec2(push.size) * push.uv_span;
#ifdef BUFFER_SOURCE
    vec4 c = sample_source(uv);
#else
    vec4 c = textureLod(source, uv, push.lod);
#endif
    if (any(lessThan(uv, vec2(0.0))) || any(greaterThan(uv, vec2(1.0))))
        c = vec4(0.06, 0.06, 0.07, 1.0); // outside the source when panned or zoomed out
    else if (push.mode == 1u)
        c = vec4(c.rrr, 1.0);
    else if (push.mode >= 2u) {
        vec2 r = push.range;
        if (push.mode == 3u)
            r = vec2(from_key(auto_range.lo_key), from_key(auto_range.hi_key));
        const float width = r.y - r.x;
        c = vec4(colour_map(width > 0.0 ? (c.r - r.x) / width : 0.5), 1.0);
    }
    imageStore(target, push.offset + p, c);
}
