#version 450
// Lambert diffuse + ambient, water-like colour by height, Blinn-Phong highlight against a view from above.
layout(location = 0) in vec3 v_normal;
layout(location = 1) in float v_height;
layout(push_constant) uniform Push {
    mat4 view_projection;
    vec4 light;
} push;
layout(location = 0) out vec4 out_color;
void main() {
    const vec3 n = normalize(v_normal);
    const vec3 l = normalize(push.light.xyz);
    const vec3 base = mix(vec3(0.05, 0.20, 0.45), vec3(0.35, 0.75, 0.95), clamp(v_height * 4.0 + 0.5, 0.0, 1.0));
    const float diffuse = max(dot(n, l), 0.0);
    const vec3 h = normalize(l + vec3(0.0, 1.0, 0.0));
    const float specular = pow(max(dot(n, h), 0.0), 64.0);
    out_color = vec4(base * (0.25 + 0.75 * diffuse) + vec3(0.6) * specular, 1.0);
}
