// The live-kernel annotations (kernel_source.hpp): a full source reads back every declaration; every malformed
// annotation is reported with its line, all of them in one usage error; a source without the C-linkage kernel fails.

#include "cuvk/compute/kernel_source.hpp"
#include "cuvk/core/error.hpp"

#include <gtest/gtest.h>

using namespace cuvk;

namespace {

const char* kGrayScott = R"(// Gray-Scott reaction-diffusion, live.
// @kernel react
// @output rgba16f
// @block 32 8
// @param float feed 0.037 0 0.1 "feed rate"
// @param float kill 0.06 0 0.1
// @param int substeps 8 1 64 "steps per frame"
extern "C" __global__ void react(cudaSurfaceObject_t out, int width, int height, unsigned frame, float time,
                                 float feed, float kill, int substeps) {}
)";

// The problems listed by the usage error a source raises; empty when it parses.
std::string problems(const std::string& text) {
    try {
        (void)compute::parse_kernel_source(text, "k.cu");
        return {};
    } catch (const core::Error& e) {
        EXPECT_TRUE(e.is_usage()) << e.what();
        return e.what();
    }
}

} // namespace

TEST(KernelSource, ReadsEveryAnnotation) {
    const auto k = compute::parse_kernel_source(kGrayScott, "gray-scott.cu");
    EXPECT_EQ(k.kernel, "react");
    EXPECT_EQ(k.format, compute::PixelFormat::rgba16f);
    EXPECT_EQ(k.block_x, 32u);
    EXPECT_EQ(k.block_y, 8u);
    ASSERT_EQ(k.params.size(), 3u);
    EXPECT_EQ(k.params[0].name, "feed");
    EXPECT_FLOAT_EQ(k.params[0].value, 0.037f);
    EXPECT_EQ(k.params[0].help, "feed rate");
    EXPECT_FALSE(k.params[0].integer);
    EXPECT_EQ(k.params[2].name, "substeps");
    EXPECT_TRUE(k.params[2].integer);
    EXPECT_EQ(k.params[2].max, 64.0f);
    EXPECT_EQ(k.text, kGrayScott);
}

TEST(KernelSource, DefaultsNeedOnlyTheKernel) {
    const auto k = compute::parse_kernel_source("extern \"C\" __global__ void step(int) {}");
    EXPECT_EQ(k.kernel, "step");
    EXPECT_EQ(k.format, compute::PixelFormat::rgba8);
    EXPECT_EQ(k.block_x * k.block_y, 256u);
    EXPECT_TRUE(k.params.empty());
}

TEST(KernelSource, EveryProblemIsReportedWithItsLine) {
    const std::string bad = "// @kernel step\n"                       // 1: fine
                            "// @param float feed 0.5 0 0.1\n"        // 2: default outside
                            "// @param int n 1.5 0 4\n"               // 3: not whole
                            "// @param float 9lives 0 0 1\n"          // 4: not an identifier
                            "// @param float feed 0 0 1\n"            // 5: fine (line 2 was refused)
                            "// @param float feed 0 0 1\n"            // 6: twice
                            "// @output rgb565\n"                     // 7: unknown format
                            "// @block 64 64\n"                       // 8: too many threads
                            "// @colour red\n"                        // 9: unknown annotation
                            "// @kernel other\n"                      // 10: a second @kernel
                            "// @param float x 0 0 1 help-unquoted\n" // 11: help not quoted
                            "extern \"C\" __global__ void step() {}\n";
    const auto why = problems(bad);
    for (const char* expected :
         {"k.cu:2: parameter 'feed': the default", "k.cu:3: parameter 'n' is an int", "k.cu:4: parameter name '9lives'",
          "k.cu:6: parameter 'feed' is declared twice", "k.cu:7: @output takes", "k.cu:8: @block takes",
          "k.cu:9: unknown annotation @colour", "k.cu:10: a second @kernel", "k.cu:11: parameter 'x': the help text"})
        EXPECT_NE(why.find(expected), std::string::npos) << expected << "\n" << why;
    EXPECT_EQ(why.find("k.cu:1:"), std::string::npos) << why;
    EXPECT_EQ(why.find("k.cu:5:"), std::string::npos) << why;
    EXPECT_NE(why.find("has 9 problem(s)"), std::string::npos) << why;
}

TEST(KernelSource, TheKernelMustBeDefinedWithCLinkage) {
    EXPECT_NE(problems("__global__ void step() {}").find("no `extern \"C\" __global__ void step(`"), std::string::npos);
    EXPECT_NE(problems("// @kernel go\nextern \"C\" __global__ void step() {}").find("void go("), std::string::npos);
    EXPECT_EQ(problems("// a comment, no annotation\nextern \"C\"  __global__  void step (float t) {}"), "");
}

TEST(KernelSource, AtMost32Parameters) {
    std::string src;
    for (int i = 0; i < 33; ++i)
        src += "// @param float p" + std::to_string(i) + " 0 0 1\n";
    src += "extern \"C\" __global__ void step() {}";
    EXPECT_NE(problems(src).find("k.cu:33: more than 32 parameters"), std::string::npos);
}

TEST(KernelSource, StateIsOneOfThreeWidthsAndDeclaredOnce) {
    const auto k = compute::parse_kernel_source("// @state float2\nextern \"C\" __global__ void step() {}");
    EXPECT_EQ(k.state_floats, 2u);
    EXPECT_EQ(compute::parse_kernel_source("extern \"C\" __global__ void step() {}").state_floats, 0u);
    EXPECT_NE(problems("// @state double\nextern \"C\" __global__ void step() {}").find("k.cu:1: @state takes"),
              std::string::npos);
    EXPECT_NE(problems("// @state float\n// @state float4\nextern \"C\" __global__ void step() {}")
                  .find("k.cu:2: a second @state"),
              std::string::npos);
}
