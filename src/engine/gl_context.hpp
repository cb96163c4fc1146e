#pragma once
// The OpenGL side of the bench's gl backend (internal to the engine): a headless OpenGL 4.5 core context on EGL's
// device platform (no window, no display server), the GL functions cuvk uses (loaded through eglGetProcAddress, so
// nothing links libGL), and the three ways GL can bring a simulation's texture into the displayed one.
//
// GlContext owns the EGL display's initialisation and the context, current on the creating thread for its life;
// every GL call and every CUDA-GL interop call must come from that thread. Throws core::Error (Api::cuvk) naming what
// is missing: no EGL device, no GL 4.5 core context, a GL error after a call.

#include "cuvk/core/types.hpp"

#include <EGL/egl.h>
#include <GL/glcorearb.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cuvk::engine::gl {

// The GL functions cuvk calls (core 4.5).
struct Functions {
    PFNGLGETERRORPROC GetError;
    PFNGLGETSTRINGPROC GetString;
    PFNGLGETINTEGER64VPROC GetInteger64v;
    PFNGLGETINTEGERVPROC GetIntegerv;
    PFNGLGENTEXTURESPROC GenTextures;
    PFNGLDELETETEXTURESPROC DeleteTextures;
    PFNGLBINDTEXTUREPROC BindTexture;
    PFNGLTEXSTORAGE2DPROC TexStorage2D;
    PFNGLTEXSUBIMAGE2DPROC TexSubImage2D;
    PFNGLTEXPARAMETERIPROC TexParameteri;
    PFNGLGETTEXIMAGEPROC GetTexImage;
    PFNGLPIXELSTOREIPROC PixelStorei;
    PFNGLGENFRAMEBUFFERSPROC GenFramebuffers;
    PFNGLDELETEFRAMEBUFFERSPROC DeleteFramebuffers;
    PFNGLBINDFRAMEBUFFERPROC BindFramebuffer;
    PFNGLFRAMEBUFFERTEXTURE2DPROC FramebufferTexture2D;
    PFNGLCHECKFRAMEBUFFERSTATUSPROC CheckFramebufferStatus;
    PFNGLBLITFRAMEBUFFERPROC BlitFramebuffer;
    PFNGLCOPYIMAGESUBDATAPROC CopyImageSubData;
    PFNGLCREATESHADERPROC CreateShader;
    PFNGLSHADERSOURCEPROC ShaderSource;
    PFNGLCOMPILESHADERPROC CompileShader;
    PFNGLGETSHADERIVPROC GetShaderiv;
    PFNGLGETSHADERINFOLOGPROC GetShaderInfoLog;
    PFNGLDELETESHADERPROC DeleteShader;
    PFNGLCREATEPROGRAMPROC CreateProgram;
    PFNGLATTACHSHADERPROC AttachShader;
    PFNGLLINKPROGRAMPROC LinkProgram;
    PFNGLGETPROGRAMIVPROC GetProgramiv;
    PFNGLGETPROGRAMINFOLOGPROC GetProgramInfoLog;
    PFNGLDELETEPROGRAMPROC DeleteProgram;
    PFNGLUSEPROGRAMPROC UseProgram;
    PFNGLUNIFORM1IPROC Uniform1i;
    PFNGLACTIVETEXTUREPROC ActiveTexture;
    PFNGLBINDIMAGETEXTUREPROC BindImageTexture;
    PFNGLDISPATCHCOMPUTEPROC DispatchCompute;
    PFNGLMEMORYBARRIERPROC MemoryBarrier;
    PFNGLFENCESYNCPROC FenceSync;
    PFNGLCLIENTWAITSYNCPROC ClientWaitSync;
    PFNGLDELETESYNCPROC DeleteSync;
    PFNGLFLUSHPROC Flush;
    PFNGLFINISHPROC Finish;
    PFNGLGENQUERIESPROC GenQueries;
    PFNGLDELETEQUERIESPROC DeleteQueries;
    PFNGLQUERYCOUNTERPROC QueryCounter;
    PFNGLGETQUERYOBJECTUI64VPROC GetQueryObjectui64v;
};

// One at a time per process: EGL gives one display per device, which the context initialises for its life.
class Context {
public:
    // On the EGL device that is CUDA device `cuda_ordinal` (EGL_NV_device_cuda; none that is: an error), or without
    // one on the first device EGL lists.
    static std::unique_ptr<Context> create(std::optional<int> cuda_ordinal = std::nullopt);
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    const Functions& gl() const noexcept { return gl_; }
    // "renderer (GL version)", e.g. "NVIDIA H200/PCIe/SSE2 (4.6.0 NVIDIA 580.95)".
    const std::string& description() const noexcept { return description_; }
    // Throws naming `what` when GL reports an error (all pending errors are cleared).
    void check(const std::string& what) const;

private:
    Context() = default;
    EGLDisplay display_ = EGL_NO_DISPLAY;
    EGLContext context_ = EGL_NO_CONTEXT;
    Functions gl_{};
    std::string description_;
};

// A texture of one format with all its levels, owned (deleted with the context current).
struct TextureInfo {
    core::Extent2D extent;
    GLenum format = GL_RGBA8; // sized internal format
    std::uint32_t levels = 1;
};
class Texture {
public:
    Texture(const Context& ctx, const TextureInfo& info);
    ~Texture();
    Texture(Texture&& other) noexcept;
    Texture& operator=(Texture&&) = delete;
    GLuint get() const noexcept { return name_; }
    const TextureInfo& info() const noexcept { return info_; }
    // Level 0 as tightly packed rows of `format`/`type` (for tests).
    std::vector<std::uint8_t> read(GLenum format, GLenum type, std::size_t bytes_per_texel) const;

private:
    const Context* ctx_;
    TextureInfo info_;
    GLuint name_ = 0;
};

// How a simulation's texture is brought into the displayed RGBA8 texture of the same size.
enum class CopyPath {
    blit,       // glBlitFramebuffer between two framebuffers (converts formats)
    copy_image, // glCopyImageSubData (same texel size only: RGBA8 into RGBA8)
    compute,    // a compute shader reading the source texel by texel into an image (R32F as grey)
};
const char* to_string(CopyPath path);

// The three paths, ready to record; owns its framebuffers and the compute program.
class Copier {
public:
    explicit Copier(const Context& ctx);
    ~Copier();
    Copier(const Copier&) = delete;
    Copier& operator=(const Copier&) = delete;
    // Whether `path` can copy `from` into an RGBA8 texture of the same size.
    static bool can(CopyPath path, const TextureInfo& from);
    // Records the copy of level 0 of `from` into `to` (RGBA8, same size); nothing waits.
    void copy(CopyPath path, const Texture& from, const Texture& to) const;

private:
    void make();
    void release() noexcept;
    const Context& ctx_;
    GLuint read_fbo_ = 0, draw_fbo_ = 0, program_ = 0;
};

} // namespace cuvk::engine::gl
