#version 450
// The height-field mesh: positions and normals written by the simulation, lit in the fragment shader.
layout(location = 0) in vec4 position;
layout(location = 1) in vec4 normal;
layout(push_constant) uniform Push {
    mat4 view_projection;
    vec4 light; // xyz: direction towards the light (world space), w: unused
} push;
layout(location = 0) out vec3 v_normal;
layout(location = 1) out float v_height;
void main() {
    gl_Position = push.view_projection * vec4(position.xyz, 1.0);
    v_normal = normal.xyz;
    v_height = position.y;
}
