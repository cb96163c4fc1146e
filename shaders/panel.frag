#version 450
// Lays the panel image (premultiplied alpha: Dear ImGui drew it over transparent black) over the target, pixel for
// pixel; the pipeline blends ONE, ONE_MINUS_SRC_ALPHA, which equals drawing the panel onto the target directly.
layout(set = 0, binding = 0) uniform sampler2D panel;
layout(location = 0) out vec4 colour;

void main() {
    colour = texelFetch(panel, ivec2(gl_FragCoord.xy), 0);
}
