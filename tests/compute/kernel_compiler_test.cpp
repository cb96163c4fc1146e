// Live kernels compiled with NVRTC (kernel_compiler.hpp) — no GPU needed: a kernel writing a surface compiles into a
// CUBIN for sm_90; a source with mistakes gives compile errors naming the lines they are on, as values; defines and
// options reach the compiler.

#include "cuvk/compute/kernel_compiler.hpp"
#include "cuvk/core/error.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>

using namespace cuvk;

namespace {

const char* kPlasma = R"(// @param float speed 1 0 4
extern "C" __global__ void step(cudaSurfaceObject_t out, int width, int height, unsigned frame, float time,
                                float speed) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= width || y >= height)
        return;
    const float v = 0.5f + 0.5f * sinf(x * 0.05f + time * speed) * cosf(y * 0.05f - time);
    const unsigned c = unsigned(v * 255.0f);
    surf2Dwrite(c | c << 8 | (255u - c) << 16 | 0xff000000u, out, x * 4, y);
}
)";

} // namespace

TEST(KernelCompiler, ASurfaceKernelCompilesToACubin) {
    const auto r = compute::compile_kernel(compute::parse_kernel_source(kPlasma, "plasma.cu"), {}, "plasma.cu");
    ASSERT_TRUE(r.ok) << r.log;
    EXPECT_TRUE(r.errors.empty());
    ASSERT_GT(r.cubin.size(), 4u);
    EXPECT_EQ(std::string(r.cubin.data() + 1, 3), "ELF"); // a CUBIN is an ELF image
    EXPECT_GT(r.milliseconds, 0.0);
}

TEST(KernelCompiler, ErrorsNameTheirLines) {
    const std::string source = "extern \"C\" __global__ void step(cudaSurfaceObject_t out, int w, int h, unsigned f,\n"
                               "                                float t) {\n"
                               "    int ok = w + h;\n"
                               "    float bad = undefined_name * 2.0f;\n" // line 4
                               "    int also = ok +;\n"                   // line 5
                               "}\n";
    const auto r = compute::compile_kernel(compute::parse_kernel_source(source, "<editor>"), {}, "<editor>");
    ASSERT_FALSE(r.ok);
    ASSERT_GE(r.errors.size(), 2u) << r.log;
    EXPECT_EQ(r.errors[0].line, 4u) << r.log;
    EXPECT_NE(r.errors[0].message.find("undefined_name"), std::string::npos) << r.errors[0].message;
    EXPECT_EQ(r.errors[1].line, 5u) << r.log;
    EXPECT_TRUE(r.cubin.empty());
}

TEST(KernelCompiler, DefinesAndArchitectureReachTheCompiler) {
    const std::string source = "#ifndef SCALE\n#error SCALE is not defined\n#endif\n"
                               "extern \"C\" __global__ void step(float* p) { p[0] = SCALE; }\n";
    const auto k = compute::parse_kernel_source(source);
    EXPECT_FALSE(compute::compile_kernel(k).ok) << "without the define, #error stops it";
    const auto r = compute::compile_kernel(k, {.arch = "sm_80", .fast_math = true, .defines = {"SCALE=2.0f"}});
    EXPECT_TRUE(r.ok) << r.log;
    try {
        (void)compute::compile_kernel(k, {.arch = "sm_1", .defines = {"SCALE=1"}});
        ADD_FAILURE() << "an unknown architecture was accepted";
    } catch (const core::Error& e) {
        EXPECT_TRUE(e.is_usage()) << e.what();
        EXPECT_NE(std::string(e.what()).find("sm_1"), std::string::npos) << e.what();
    }
}

// Every example kernel (examples/kernels/*.cu) declares itself correctly and compiles.
TEST(KernelCompiler, TheExampleKernelsParseAndCompile) {
    const std::filesystem::path dir = CUVK_KERNELS_DIR;
    std::size_t seen = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".cu")
            continue;
        ++seen;
        std::ifstream in(entry.path());
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto name = entry.path().filename().string();
        const auto k = compute::parse_kernel_source(text, name);
        EXPECT_FALSE(k.params.empty()) << name;
        const auto r = compute::compile_kernel(k, {}, name);
        EXPECT_TRUE(r.ok) << name << ":\n" << r.log;
    }
    EXPECT_GE(seen, 3u) << "gray_scott, plasma, wave";
}
