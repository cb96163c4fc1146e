#include "gl_context.hpp"

#include "cuvk/core/error.hpp"

#include <EGL/eglext.h>
#include <utility>

namespace cuvk::engine::gl {
namespace {

[[noreturn]] void fail_egl(const std::string& what) {
    char code[16];
    std::snprintf(code, sizeof code, "0x%04x", unsigned(eglGetError()));
    throw core::Error({.api = core::Api::cuvk, .call = "EGL", .result = code, .what = what});
}

template <class Fn> void load(Fn& fn, const char* name) {
    fn = reinterpret_cast<Fn>(eglGetProcAddress(name));
    if (!fn)
        core::fail(std::string("the OpenGL context lacks ") + name);
}

Functions load_functions() {
    Functions f{};
#define CUVK_GL_LOAD(name) load(f.name, "gl" #name)
    CUVK_GL_LOAD(GetError);
    CUVK_GL_LOAD(GetString);
    CUVK_GL_LOAD(GetInteger64v);
    CUVK_GL_LOAD(GetIntegerv);
    CUVK_GL_LOAD(GenTextures);
    CUVK_GL_LOAD(DeleteTextures);
    CUVK_GL_LOAD(BindTexture);
    CUVK_GL_LOAD(TexStorage2D);
    CUVK_GL_LOAD(TexSubImage2D);
    CUVK_GL_LOAD(TexParameteri);
    CUVK_GL_LOAD(GetTexImage);
    CUVK_GL_LOAD(PixelStorei);
    CUVK_GL_LOAD(GenFramebuffers);
    CUVK_GL_LOAD(DeleteFramebuffers);
    CUVK_GL_LOAD(BindFramebuffer);
    CUVK_GL_LOAD(FramebufferTexture2D);
    CUVK_GL_LOAD(CheckFramebufferStatus);
    CUVK_GL_LOAD(BlitFramebuffer);
    CUVK_GL_LOAD(CopyImageSubData);
    CUVK_GL_LOAD(CreateShader);
    CUVK_GL_LOAD(ShaderSource);
    CUVK_GL_LOAD(CompileShader);
    CUVK_GL_LOAD(GetShaderiv);
    CUVK_GL_LOAD(GetShaderInfoLog);
    CUVK_GL_LOAD(DeleteShader);
    CUVK_GL_LOAD(CreateProgram);
    CUVK_GL_LOAD(AttachShader);
    CUVK_GL_LOAD(LinkProgram);
    CUVK_GL_LOAD(GetProgramiv);
    CUVK_GL_LOAD(GetProgramInfoLog);
    CUVK_GL_LOAD(DeleteProgram);
    CUVK_GL_LOAD(UseProgram);
    CUVK_GL_LOAD(Uniform1i);
    CUVK_GL_LOAD(ActiveTexture);
    CUVK_GL_LOAD(BindImageTexture);
    CUVK_GL_LOAD(DispatchCompute);
    CUVK_GL_LOAD(MemoryBarrier);
    CUVK_GL_LOAD(FenceSync);
    CUVK_GL_LOAD(ClientWaitSync);
    CUVK_GL_LOAD(DeleteSync);
    CUVK_GL_LOAD(Flush);
    CUVK_GL_LOAD(Finish);
    CUVK_GL_LOAD(GenQueries);
    CUVK_GL_LOAD(DeleteQueries);
    CUVK_GL_LOAD(QueryCounter);
    CUVK_GL_LOAD(GetQueryObjectui64v);
#undef CUVK_GL_LOAD
    return f;
}

// The EGL device to use: the one EGL_NV_device_cuda says is `cuda_ordinal` (EGL and CUDA may number GPUs
// differently, and glvnd may list a software device first), or without an ordinal the first.
EGLDeviceEXT pick_device(std::optional<int> cuda_ordinal) {
    const auto query_devices = reinterpret_cast<PFNEGLQUERYDEVICESEXTPROC>(eglGetProcAddress("eglQueryDevicesEXT"));
    const auto query_string =
        reinterpret_cast<PFNEGLQUERYDEVICESTRINGEXTPROC>(eglGetProcAddress("eglQueryDeviceStringEXT"));
    const auto query_attrib =
        reinterpret_cast<PFNEGLQUERYDEVICEATTRIBEXTPROC>(eglGetProcAddress("eglQueryDeviceAttribEXT"));
    if (!query_devices || !query_string || !query_attrib)
        core::fail("EGL offers no device enumeration (EGL_EXT_device_enumeration), which a headless GL context needs");
    EGLDeviceEXT devices[16];
    EGLint count = 0;
    if (!query_devices(16, devices, &count) || count == 0)
        fail_egl("EGL lists no device for a headless GL context");
    if (!cuda_ordinal)
        return devices[0];
    for (EGLint i = 0; i < count; ++i) {
        const char* ext = query_string(devices[i], EGL_EXTENSIONS);
        EGLAttrib ordinal = -1;
        if (ext && std::string_view(ext).find("EGL_NV_device_cuda") != std::string_view::npos &&
            query_attrib(devices[i], EGL_CUDA_DEVICE_NV, &ordinal) && ordinal == *cuda_ordinal)
            return devices[i];
    }
    core::fail("none of the " + std::to_string(count) + " EGL device(s) is CUDA device " +
               std::to_string(*cuda_ordinal) + " (EGL_NV_device_cuda)");
}

} // namespace

std::unique_ptr<Context> Context::create(std::optional<int> cuda_ordinal) {
    std::unique_ptr<Context> out(new Context());
    const auto get_display =
        reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(eglGetProcAddress("eglGetPlatformDisplayEXT"));
    if (!get_display)
        core::fail("EGL offers no platform displays (EGL_EXT_platform_base), which a headless GL context needs");
    out->display_ = get_display(EGL_PLATFORM_DEVICE_EXT, pick_device(cuda_ordinal), nullptr);
    EGLint major = 0, minor = 0;
    if (out->display_ == EGL_NO_DISPLAY || !eglInitialize(out->display_, &major, &minor)) {
        out->display_ = EGL_NO_DISPLAY;
        fail_egl("initialising an EGL display on the device");
    }
    if (!eglBindAPI(EGL_OPENGL_API))
        fail_egl("binding the OpenGL API");
    const EGLint attribs[] = {
        EGL_CONTEXT_MAJOR_VERSION,           4,       EGL_CONTEXT_MINOR_VERSION, 5, EGL_CONTEXT_OPENGL_PROFILE_MASK,
        EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE};
    // Without a surface no config is needed (EGL_KHR_no_config_context); where one is, any GL-renderable one serves.
    EGLConfig config = EGL_NO_CONFIG_KHR;
    out->context_ = eglCreateContext(out->display_, config, EGL_NO_CONTEXT, attribs);
    if (out->context_ == EGL_NO_CONTEXT) {
        const EGLint want[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
        EGLint found = 0;
        if (eglChooseConfig(out->display_, want, &config, 1, &found) && found == 1)
            out->context_ = eglCreateContext(out->display_, config, EGL_NO_CONTEXT, attribs);
    }
    if (out->context_ == EGL_NO_CONTEXT)
        fail_egl("creating an OpenGL 4.5 core context");
    if (!eglMakeCurrent(out->display_, EGL_NO_SURFACE, EGL_NO_SURFACE, out->context_))
        fail_egl("making the OpenGL context current without a surface (EGL_KHR_surfaceless_context)");
    out->gl_ = load_functions();
    GLint gl_major = 0, gl_minor = 0;
    out->gl_.GetIntegerv(GL_MAJOR_VERSION, &gl_major);
    out->gl_.GetIntegerv(GL_MINOR_VERSION, &gl_minor);
    if (gl_major * 10 + gl_minor < 45)
        core::fail("the OpenGL context is " + std::to_string(gl_major) + "." + std::to_string(gl_minor) +
                   ", and 4.5 is needed");
    const auto text = [&](GLenum name) {
        const auto* s = out->gl_.GetString(name);
        return s ? std::string(reinterpret_cast<const char*>(s)) : std::string("?");
    };
    out->description_ = text(GL_RENDERER) + " (" + text(GL_VERSION) + ")";
    return out;
}

Context::~Context() {
    if (display_ == EGL_NO_DISPLAY)
        return;
    (void)eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    if (context_ != EGL_NO_CONTEXT)
        (void)eglDestroyContext(display_, context_);
    // The display stays initialised: EGL hands the same one to the next context on this device (eglTerminate would
    // pull it from under any other user), and the thread's EGL state goes.
    (void)eglReleaseThread();
}

void Context::check(const std::string& what) const {
    const GLenum first = gl_.GetError();
    if (first == GL_NO_ERROR)
        return;
    for (int i = 0; i < 16 && gl_.GetError() != GL_NO_ERROR; ++i) {
    }
    char code[16];
    std::snprintf(code, sizeof code, "0x%04x", unsigned(first));
    throw core::Error({.api = core::Api::cuvk, .call = "OpenGL", .result = code, .what = what});
}

Texture::Texture(const Context& ctx, const TextureInfo& info) : ctx_(&ctx), info_(info) {
    const auto& gl = ctx.gl();
    gl.GenTextures(1, &name_);
    gl.BindTexture(GL_TEXTURE_2D, name_);
    gl.TexStorage2D(GL_TEXTURE_2D, GLsizei(info.levels), info.format, GLsizei(info.extent.width),
                    GLsizei(info.extent.height));
    gl.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    gl.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    gl.BindTexture(GL_TEXTURE_2D, 0);
    try {
        ctx.check("creating a " + core::to_string(info.extent) + " texture");
    } catch (...) {
        gl.DeleteTextures(1, &name_);
        throw;
    }
}

Texture::~Texture() {
    if (name_)
        ctx_->gl().DeleteTextures(1, &name_);
}

Texture::Texture(Texture&& other) noexcept
    : ctx_(other.ctx_), info_(other.info_), name_(std::exchange(other.name_, 0)) {}

std::vector<std::uint8_t> Texture::read(GLenum format, GLenum type, std::size_t bytes_per_texel) const {
    const auto& gl = ctx_->gl();
    std::vector<std::uint8_t> out(std::size_t(info_.extent.width) * info_.extent.height * bytes_per_texel);
    gl.PixelStorei(GL_PACK_ALIGNMENT, 1);
    gl.BindTexture(GL_TEXTURE_2D, name_);
    gl.GetTexImage(GL_TEXTURE_2D, 0, format, type, out.data());
    gl.BindTexture(GL_TEXTURE_2D, 0);
    ctx_->check("reading a texture back");
    return out;
}

const char* to_string(CopyPath path) {
    switch (path) {
    case CopyPath::blit:
        return "blit";
    case CopyPath::copy_image:
        return "copy-image";
    case CopyPath::compute:
        return "compute";
    }
    return "?";
}

namespace {

// One thread per texel; an R32F source is shown as grey, as the Vulkan compositor shows it.
const char* kCopyShader = R"(#version 430
layout(local_size_x = 16, local_size_y = 16) in;
layout(binding = 0) uniform sampler2D src;
layout(binding = 0, rgba8) uniform writeonly image2D dst;
layout(location = 0) uniform int grey;
void main() {
    ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    ivec2 size = imageSize(dst);
    if (p.x >= size.x || p.y >= size.y)
        return;
    vec4 c = texelFetch(src, p, 0);
    imageStore(dst, p, grey != 0 ? vec4(c.rrr, 1.0) : c);
}
)";

} // namespace

Copier::Copier(const Context& ctx) : ctx_(ctx) {
    try {
        make();
    } catch (...) {
        release();
        throw;
    }
}

Copier::~Copier() {
    release();
}

void Copier::release() noexcept {
    const auto& gl = ctx_.gl();
    if (program_)
        gl.DeleteProgram(std::exchange(program_, 0));
    if (read_fbo_)
        gl.DeleteFramebuffers(1, &read_fbo_);
    if (draw_fbo_)
        gl.DeleteFramebuffers(1, &draw_fbo_);
    read_fbo_ = draw_fbo_ = 0;
}

void Copier::make() {
    const auto& gl = ctx_.gl();
    gl.GenFramebuffers(1, &read_fbo_);
    gl.GenFramebuffers(1, &draw_fbo_);
    const GLuint shader = gl.CreateShader(GL_COMPUTE_SHADER);
    gl.ShaderSource(shader, 1, &kCopyShader, nullptr);
    gl.CompileShader(shader);
    GLint ok = 0;
    gl.GetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[1024] = {};
        gl.GetShaderInfoLog(shader, sizeof log, nullptr, log);
        gl.DeleteShader(shader);
        core::fail(std::string("the GL copy shader does not compile: ") + log);
    }
    program_ = gl.CreateProgram();
    gl.AttachShader(program_, shader);
    gl.LinkProgram(program_);
    gl.DeleteShader(shader);
    gl.GetProgramiv(program_, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[1024] = {};
        gl.GetProgramInfoLog(program_, sizeof log, nullptr, log);
        core::fail(std::string("the GL copy shader does not link: ") + log);
    }
    ctx_.check("creating the GL copy paths");
}

bool Copier::can(CopyPath path, const TextureInfo& from) {
    // glCopyImageSubData needs formats of one size class; blitting from a one-channel float source leaves green and
    // blue at 0, which is not the grey the other paths show.
    if (path == CopyPath::copy_image)
        return from.format == GL_RGBA8;
    if (path == CopyPath::blit)
        return from.format != GL_R32F;
    return true;
}

void Copier::copy(CopyPath path, const Texture& from, const Texture& to) const {
    const auto& gl = ctx_.gl();
    const GLint w = GLint(to.info().extent.width), h = GLint(to.info().extent.height);
    switch (path) {
    case CopyPath::blit:
        gl.BindFramebuffer(GL_READ_FRAMEBUFFER, read_fbo_);
        gl.FramebufferTexture2D(GL_READ_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, from.get(), 0);
        gl.BindFramebuffer(GL_DRAW_FRAMEBUFFER, draw_fbo_);
        gl.FramebufferTexture2D(GL_DRAW_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, to.get(), 0);
        gl.BlitFramebuffer(0, 0, w, h, 0, 0, w, h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
        gl.BindFramebuffer(GL_READ_FRAMEBUFFER, 0);
        gl.BindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
        break;
    case CopyPath::copy_image:
        gl.CopyImageSubData(from.get(), GL_TEXTURE_2D, 0, 0, 0, 0, to.get(), GL_TEXTURE_2D, 0, 0, 0, 0, w, h, 1);
        break;
    case CopyPath::compute:
        gl.UseProgram(program_);
        gl.Uniform1i(0, from.info().format == GL_R32F ? 1 : 0);
        gl.ActiveTexture(GL_TEXTURE0);
        gl.BindTexture(GL_TEXTURE_2D, from.get());
        gl.BindImageTexture(0, to.get(), 0, GL_FALSE, 0, GL_WRITE_ONLY, GL_RGBA8);
        gl.DispatchCompute(GLuint((w + 15) / 16), GLuint((h + 15) / 16), 1);
        // The next frame's writes to the target, and whoever reads it, come after these stores.
        gl.MemoryBarrier(GL_SHADER_IMAGE_ACCESS_BARRIER_BIT | GL_TEXTURE_UPDATE_BARRIER_BIT |
                         GL_FRAMEBUFFER_BARRIER_BIT | GL_TEXTURE_FETCH_BARRIER_BIT);
        gl.BindTexture(GL_TEXTURE_2D, 0);
        gl.UseProgram(0);
        break;
    }
}

} // namespace cuvk::engine::gl
