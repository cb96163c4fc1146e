#version 450
// Lays the panel image (premultiplied alpha: Dear ImGui drew it over transparent black) over the target inside
// `rect`: target = panel + target * (1 - panel.a), what drawing the panel onto the target directly gives. Compute, so
// the target stays in GENERAL layout after the compositor and no graphics pass is needed (DESIGN.md).
// Built twice: for an RGBA8 target, and (ANY_FORMAT) without a format qualifier for any storable format (needs
// shaderStorageImageReadWithoutFormat and shaderStorageImageWriteWithoutFormat).
layout(local_size_x = 16, local_size_y = 16) in;

layout(set = 0, binding = 0) uniform sampler2D panel;
#ifdef ANY_FORMAT
#extension GL_EXT_shader_image_load_formatted : require
layout(set = 0, binding = 1) uniform image2D target;
#else
layout(set = 0, binding = 1, rgba8) uniform image2D target;
#endif

layout(push_constant) uniform Push {
    ivec2 offset;
    ivec2 size;
} push;

void main() {
    const ivec2 local = ivec2(gl_GlobalInvocationID.xy);
    if (any(greaterThanEqual(local, push.size)))
        return;
    const ivec2 p = push.offset + local;
    const vec4 over = texelFetch(panel, p, 0);
    if (over.a == 0.0)
        return;
    const vec4 under = imageLoad(target, p);
    imageStore(target, p, vec4(over.rgb + under.rgb * (1.0 - over.a), 1.0));
}
