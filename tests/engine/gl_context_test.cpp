// The bench's gl backend, its OpenGL half (gl_context.hpp), on whatever EGL offers here (Mesa's llvmpipe in CI, the
// GPU's driver on the GPU machine; skipped, saying why, where EGL has no device): a headless GL 4.5 core context
// comes up without a display; each way of bringing a simulation's texture into the displayed RGBA8 texture (blit,
// glCopyImageSubData, compute shader) gives the source's texels exactly, float sources are converted alike by the
// paths that take them, a one-channel float source is shown as grey; a GL error is reported, naming what was done.

#include "cuvk/core/error.hpp"
#include "gl_context.hpp"

#include <GL/gl.h>
#include <cmath>
#include <gtest/gtest.h>

using namespace cuvk;
using namespace cuvk::engine;

namespace {

constexpr core::Extent2D kSize{37, 23}; // not a multiple of the compute shader's 16x16 groups

class GlContextTest : public ::testing::Test {
protected:
    void SetUp() override {
        try {
            ctx_ = gl::Context::create();
        } catch (const core::Error& e) {
            GTEST_SKIP() << "no headless OpenGL context here: " << e.message();
        }
    }
    gl::Texture source(GLenum format, GLenum type, const void* texels, GLenum pixel_format = GL_RGBA) {
        gl::Texture t(*ctx_, {.extent = kSize, .format = format});
        const auto& gl = ctx_->gl();
        gl.PixelStorei(GL_UNPACK_ALIGNMENT, 1);
        gl.BindTexture(GL_TEXTURE_2D, t.get());
        gl.TexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, GLsizei(kSize.width), GLsizei(kSize.height), pixel_format, type,
                         texels);
        gl.BindTexture(GL_TEXTURE_2D, 0);
        ctx_->check("uploading a test texture");
        return t;
    }
    std::vector<std::uint8_t> copied(gl::CopyPath path, const gl::Texture& from) {
        gl::Copier copier(*ctx_);
        gl::Texture to(*ctx_, {.extent = kSize, .format = GL_RGBA8});
        copier.copy(path, from, to);
        ctx_->check(std::string("copying by ") + gl::to_string(path));
        return to.read(GL_RGBA, GL_UNSIGNED_BYTE, 4);
    }
    std::unique_ptr<gl::Context> ctx_;
};

} // namespace

TEST_F(GlContextTest, EveryCopyPathBringsAnRgba8TextureOverUnchanged) {
    std::vector<std::uint8_t> texels(kSize.pixels() * 4);
    for (std::size_t i = 0; i < texels.size(); ++i)
        texels[i] = std::uint8_t((i * 7 + i / 4 * 13) & 0xff);
    const auto from = source(GL_RGBA8, GL_UNSIGNED_BYTE, texels.data());
    ASSERT_EQ(from.read(GL_RGBA, GL_UNSIGNED_BYTE, 4), texels) << "the upload itself";
    for (const auto path : {gl::CopyPath::blit, gl::CopyPath::copy_image, gl::CopyPath::compute}) {
        ASSERT_TRUE(gl::Copier::can(path, from.info())) << gl::to_string(path);
        EXPECT_EQ(copied(path, from), texels) << gl::to_string(path) << " changed texels";
    }
}

TEST_F(GlContextTest, FloatSourcesAreConvertedAlikeByBlitAndCompute) {
    std::vector<float> texels(kSize.pixels() * 4);
    for (std::size_t i = 0; i < texels.size(); ++i)
        texels[i] = float((i * 5) % 256) / 255.0f;
    const auto from = source(GL_RGBA16F, GL_FLOAT, texels.data());
    EXPECT_FALSE(gl::Copier::can(gl::CopyPath::copy_image, from.info())) << "RGBA16F and RGBA8 differ in size";
    const auto blit = copied(gl::CopyPath::blit, from), compute = copied(gl::CopyPath::compute, from);
    ASSERT_EQ(blit.size(), texels.size());
    int worst = 0;
    for (std::size_t i = 0; i < texels.size(); ++i) {
        worst = std::max(worst, std::abs(int(blit[i]) - int(compute[i])));
        // Half floats hold k/255 within half a unit of 8 bits.
        EXPECT_NEAR(int(compute[i]), int(std::lround(texels[i] * 255.0f)), 1) << "texel byte " << i;
    }
    EXPECT_LE(worst, 1) << "blit and compute convert RGBA16F differently";
}

TEST_F(GlContextTest, AOneChannelFloatSourceIsShownAsGreyByCompute) {
    std::vector<float> texels(kSize.pixels());
    for (std::size_t i = 0; i < texels.size(); ++i)
        texels[i] = float(i % 256) / 255.0f;
    const auto from = source(GL_R32F, GL_FLOAT, texels.data(), GL_RED);
    EXPECT_FALSE(gl::Copier::can(gl::CopyPath::blit, from.info())) << "a blit would leave green and blue at 0";
    EXPECT_FALSE(gl::Copier::can(gl::CopyPath::copy_image, from.info()));
    const auto grey = copied(gl::CopyPath::compute, from);
    for (std::size_t i = 0; i < texels.size(); ++i) {
        const auto v = std::uint8_t(std::lround(texels[i] * 255.0f));
        ASSERT_EQ(grey[4 * i], v) << "texel " << i;
        ASSERT_EQ(grey[4 * i + 1], v);
        ASSERT_EQ(grey[4 * i + 2], v);
        ASSERT_EQ(grey[4 * i + 3], 255);
    }
}

TEST_F(GlContextTest, AGlErrorIsReportedNamingWhatWasDone) {
    EXPECT_NE(ctx_->description(), "");
    ctx_->gl().BindTexture(0x1234, 0); // not a texture target: GL_INVALID_ENUM
    try {
        ctx_->check("binding a texture to no target");
        FAIL() << "the error went unseen";
    } catch (const core::Error& e) {
        EXPECT_NE(e.message().find("binding a texture to no target"), std::string::npos) << e.message();
        EXPECT_NE(e.message().find("0x0500"), std::string::npos) << e.message(); // GL_INVALID_ENUM
    }
    EXPECT_NO_THROW(ctx_->check("nothing")) << "errors are cleared once reported";
}
