#version 450
#ifdef FORMAT_ANY
#extension GL_EXT_shader_image_load_formatted : require
#endif
// Checks every texel of an image (or every word of a buffer) against the pattern of the frame it should hold
// (core::stress_pattern, the same hash): a texel of that frame counts as good, one of any of the `window` frames
// before it as old, anything else as corrupt. Counts go into the first three words of `counts` with atomics;
// verify_tally.comp turns them into a verdict for the frame. No readback per frame: the totals are read once.
layout(local_size_x = 16, local_size_y = 16) in;

// Built once per shared format (core::StressFormat: RGBA8 by default; FORMAT_ANY reads BGRA8 without a format
// qualifier; FORMAT_RGBA16F, FORMAT_RGBA32F, FORMAT_R32F) and (CHECK_BUFFER) for a buffer of 32-bit words, width per
// row. A texel is compared bit for bit with what core::stress_texel says the producer wrote.
#if defined(CHECK_BUFFER)
layout(set = 0, binding = 1) readonly buffer Words { uint words[]; } frame_buffer;
#elif defined(FORMAT_RGBA16F)
layout(set = 0, binding = 0, rgba16f) uniform readonly image2D frame_image;
#elif defined(FORMAT_RGBA32F)
layout(set = 0, binding = 0, rgba32f) uniform readonly image2D frame_image;
#elif defined(FORMAT_R32F)
layout(set = 0, binding = 0, r32f) uniform readonly image2D frame_image;
#elif defined(FORMAT_ANY)
layout(set = 0, binding = 0) uniform readonly image2D frame_image; // shaderStorageImageReadWithoutFormat
#else
layout(set = 0, binding = 0, rgba8) uniform readonly image2D frame_image;
#endif
layout(set = 0, binding = 2) buffer Counts { uint good; uint old; uint corrupt; uint pad; uint totals[4]; } counts;

layout(push_constant) uniform Push {
    uint frame;  // the frame the image should hold
    uint window; // how many earlier frames count as old (1..16)
    uint width;  // image: its size; buffer: words per row
    uint height; // image: its size; buffer: rows
} push;

uint pattern(uint frame, uint x, uint y) {
    uint h = (frame * 0x9E3779B1u) ^ (x * 0x85EBCA77u) ^ (y * 0xC2B2AE3Du);
    h ^= h >> 15;
    h *= 0x2C1B3C6Du;
    h ^= h >> 12;
    h *= 0x297A2D39u;
    h ^= h >> 15;
    return h;
}

uint channel(uint word, uint c) { return word ^ (c * 0x9E3779B1u); }
uint to_float(uint word) { return (word & 0x807FFFFFu) | ((((word >> 23) & 0x3Fu) + 0x40u) << 23); }
uint half_of(uint h) { return (h & 0x83FFu) | ((((h >> 10) & 0xFu) + 8u) << 10); }
uint to_halves(uint word) { return half_of(word & 0xFFFFu) | (half_of(word >> 16) << 16); }

// The texel of `frame` at p as the shader reads it back (core::stress_texel; BGRA8 reads as the RGBA colour).
uvec4 expected(uint frame, uvec2 p) {
    const uint w = pattern(frame, p.x, p.y);
#if defined(FORMAT_RGBA16F)
    return uvec4(to_halves(channel(w, 0u)), to_halves(channel(w, 1u)), 0u, 0u);
#elif defined(FORMAT_RGBA32F)
    return uvec4(to_float(channel(w, 0u)), to_float(channel(w, 1u)), to_float(channel(w, 2u)), to_float(channel(w, 3u)));
#elif defined(FORMAT_R32F)
    return uvec4(to_float(w), 0u, 0u, 0u);
#else
    return uvec4(w, 0u, 0u, 0u);
#endif
}

uvec4 loaded(uvec2 p) {
#if defined(CHECK_BUFFER)
    return uvec4(frame_buffer.words[p.y * push.width + p.x], 0u, 0u, 0u);
#else
    const vec4 v = imageLoad(frame_image, ivec2(p));
#if defined(FORMAT_RGBA16F)
    return uvec4(packHalf2x16(v.xy), packHalf2x16(v.zw), 0u, 0u); // exact for normal halves
#elif defined(FORMAT_RGBA32F)
    return floatBitsToUint(v);
#elif defined(FORMAT_R32F)
    return uvec4(floatBitsToUint(v.x), 0u, 0u, 0u);
#else
    return uvec4(packUnorm4x8(v), 0u, 0u, 0u); // exact for UNORM8 (k/255 -> k)
#endif
#endif
}

shared uint good_n, old_n, corrupt_n;

void main() {
    if (gl_LocalInvocationIndex == 0u) {
        good_n = 0u;
        old_n = 0u;
        corrupt_n = 0u;
    }
    barrier();
    const uvec2 p = gl_GlobalInvocationID.xy;
    if (p.x < push.width && p.y < push.height) {
        const uvec4 word = loaded(p);
        if (word == expected(push.frame, p)) {
            atomicAdd(good_n, 1u);
        } else {
            bool older = false;
            for (uint back = 1u; back <= push.window && back <= push.frame; ++back)
                older = older || word == expected(push.frame - back, p);
            if (older)
                atomicAdd(old_n, 1u);
            else
                atomicAdd(corrupt_n, 1u);
        }
    }
    barrier();
    if (gl_LocalInvocationIndex == 0u) {
        atomicAdd(counts.good, good_n);
        atomicAdd(counts.old, old_n);
        atomicAdd(counts.corrupt, corrupt_n);
    }
}
