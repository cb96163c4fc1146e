#version 450
// Particles as points: position and RGBA8 colour per vertex, transformed by the camera.
layout(location = 0) in vec3 position;
layout(location = 1) in vec4 color;
layout(push_constant) uniform Push {
    mat4 view_projection;
    vec4 light; // unused here; shares the push block with mesh
} push;
layout(location = 0) out vec4 v_color;
void main() {
    gl_Position = push.view_projection * vec4(position, 1.0);
    gl_PointSize = 1.0;
    v_color = color;
}
