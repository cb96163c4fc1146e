#version 450
// One invocation after each verify.comp dispatch: the frame's verdict from its texel counts — verified (every texel
// of the frame), stale (every texel from older frames), torn (both), corrupt (any texel from no recent frame) —
// added to the running totals, and the texel counts cleared for the next frame.
layout(local_size_x = 1) in;

layout(set = 0, binding = 2) buffer Counts { uint good; uint old; uint corrupt; uint pad; uint totals[4]; } counts;

void main() {
    if (counts.corrupt != 0u)
        counts.totals[3] += 1u;
    else if (counts.old == 0u)
        counts.totals[0] += 1u;
    else if (counts.good == 0u)
        counts.totals[2] += 1u;
    else
        counts.totals[1] += 1u;
    counts.good = 0u;
    counts.old = 0u;
    counts.corrupt = 0u;
}
