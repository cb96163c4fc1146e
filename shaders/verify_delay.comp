#version 450
// A consumer-side delay for cuvk-stress: one invocation runs a dependent integer chain of `frame` steps (roughly
// 400 per microsecond on a Hopper GPU) and leaves the result in the counts' spare word, so the loop is not removed.
layout(local_size_x = 1) in;
layout(set = 0, binding = 2) buffer Counts { uint good; uint old; uint corrupt; uint pad; uint totals[4]; } counts;
layout(push_constant) uniform Push { uint frame; uint window; uint width; uint height; } push;

void main() {
    uint h = counts.pad;
    for (uint i = 0u; i < push.frame; ++i)
        h = h * 1664525u + 1013904223u;
    counts.pad = h;
}
