#version 450
// The smallest and largest value of one level of a one-channel source, for the compositor's automatic colour range.
// Each workgroup reduces its 256 texels in shared memory, then one invocation merges them into the buffer with
// atomics on order-preserving integer keys (the caller fills the buffer with the empty range first). NaNs are skipped.
layout(local_size_x = 16, local_size_y = 16) in;

layout(set = 0, binding = 0) uniform sampler2D source;
layout(set = 0, binding = 1) buffer Range { uint lo_key; uint hi_key; } range;

layout(push_constant) uniform Push {
    int level;
} push;

shared uint lo[256];
shared uint hi[256];

uint to_key(float v) {
    const uint b = floatBitsToUint(v);
    return (b & 0x80000000u) != 0u ? ~b : (b | 0x80000000u);
}

void main() {
    const ivec2 size = textureSize(source, push.level);
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    const uint i = gl_LocalInvocationIndex;
    lo[i] = 0xffffffffu;
    hi[i] = 0u;
    if (all(lessThan(p, size))) {
        const float v = texelFetch(source, p, push.level).r;
        if (!isnan(v)) {
            lo[i] = to_key(v);
            hi[i] = to_key(v);
        }
    }
    barrier();
    for (uint stride = 128u; stride > 0u; stride >>= 1u) {
        if (i < stride) {
            lo[i] = min(lo[i], lo[i + stride]);
            hi[i] = max(hi[i], hi[i + stride]);
        }
        barrier();
    }
    if (i == 0u) {
        atomicMin(range.lo_key, lo[0]);
        atomicMax(range.hi_key, hi[0]);
    }
}
