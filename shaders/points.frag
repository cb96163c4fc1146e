#version 450
// Additive blending (ONE, ONE): each particle adds its colour scaled by its alpha.
layout(location = 0) in vec4 v_color;
layout(location = 0) out vec4 out_color;
void main() { out_color = vec4(v_color.rgb * v_color.a, 1.0); }
