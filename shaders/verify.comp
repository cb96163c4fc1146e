#version 450
// Checks every texel of an image (or every word of a buffer) against the pattern of the frame it should hold
// (core::stress_pattern, the same hash): a texel of that frame counts as good, one of any of the `window` frames
// before it as old, anything else as corrupt. Counts go into the first three words of `counts` with atomics;
// verify_tally.comp turns them into a verdict for the frame. No readback per frame: the totals are read once.
layout(local_size_x = 16, local_size_y = 16) in;

// Built twice: for an RGBA8 storage image, and (CHECK_BUFFER) for a buffer of 32-bit words, width per row.
#ifdef CHECK_BUFFER
layout(set = 0, binding = 1) readonly buffer Words { uint words[]; } frame_buffer;
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
#ifdef CHECK_BUFFER
        const uint word = frame_buffer.words[p.y * push.width + p.x];
#else
        const uint word = packUnorm4x8(imageLoad(frame_image, ivec2(p))); // exact for UNORM8 (k/255 -> k)
#endif
        if (word == pattern(push.frame, p.x, p.y)) {
            atomicAdd(good_n, 1u);
        } else {
            bool older = false;
            for (uint back = 1u; back <= push.window && back <= push.frame; ++back)
                older = older || word == pattern(push.frame - back, p.x, p.y);
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
