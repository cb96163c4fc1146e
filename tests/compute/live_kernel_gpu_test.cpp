// Live kernels on the GPU (skipped without a CUDA device of compute capability 9.0, saying why): each example kernel
// compiled by NVRTC and run through the LiveKernel simulation (driver API) writes, frame after frame, exactly what the
// same source compiled by nvcc (a CUBIN built with the tests) writes when launched through the runtime with the same
// arguments; a changed file is swapped in at the next frame after its compile, a broken one reports its line and
// leaves the last good kernel running, a change of declarations is refused.

#include "cuvk/compute/live_kernel.hpp"

#include <chrono>
#include <cstring>
#include <cuda_runtime_api.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <thread>
#include <vector>

namespace {

using namespace cuvk;

#define CUDA_OK(expr) ASSERT_EQ((expr), cudaSuccess) << #expr << ": " << cudaGetErrorName(cudaGetLastError())

bool sm90(std::string& why) {
    int count = 0, major = 0, minor = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
        (void)cudaGetLastError();
        why = "no CUDA device";
        return false;
    }
    cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, 0);
    cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, 0);
    why = "the nvcc references are built for sm_90, this device is sm_" + std::to_string(major) + std::to_string(minor);
    return major == 9 && minor == 0;
}

// An image of one format with a surface object, on device 0.
struct Image {
    cudaArray_t array = nullptr;
    cudaSurfaceObject_t surface = 0;
    unsigned width, height;
    std::size_t texel;
    Image(unsigned w, unsigned h, compute::PixelFormat format) : width(w), height(h) {
        texel = compute::bytes_per_texel(format);
        const cudaChannelFormatDesc desc = format == compute::PixelFormat::r32f
                                               ? cudaCreateChannelDesc(32, 0, 0, 0, cudaChannelFormatKindFloat)
                                               : cudaCreateChannelDesc(8, 8, 8, 8, cudaChannelFormatKindUnsigned);
        EXPECT_EQ(cudaMallocArray(&array, &desc, w, h, cudaArraySurfaceLoadStore), cudaSuccess);
        cudaResourceDesc res{};
        res.resType = cudaResourceTypeArray;
        res.res.array.array = array;
        EXPECT_EQ(cudaCreateSurfaceObject(&surface, &res), cudaSuccess);
    }
    ~Image() {
        cudaDestroySurfaceObject(surface);
        cudaFreeArray(array);
    }
    std::vector<unsigned char> read() const {
        std::vector<unsigned char> out(width * height * texel);
        EXPECT_EQ(cudaMemcpy2DFromArray(out.data(), width * texel, array, 0, 0, width * texel, height,
                                        cudaMemcpyDeviceToHost),
                  cudaSuccess);
        return out;
    }
};

std::vector<float> defaults(const compute::SimulationDesc& desc) {
    std::vector<float> v;
    for (const auto& p : desc.params)
        v.push_back(p.value);
    return v;
}

// Steps `sim` `frames` times into `image`; returns after the GPU finished.
void run(compute::Simulation& sim, Image& image, cudaStream_t stream, std::uint64_t first, std::uint64_t frames,
         std::span<const float> params) {
    compute::SurfaceView level{image.surface, {image.width, image.height}};
    compute::OutputView view;
    view.spec = sim.outputs({.extent = {image.width, image.height}, .params = params})[0];
    view.levels = std::span(&level, 1);
    for (std::uint64_t k = first; k < first + frames; ++k) {
        compute::FrameContext f;
        f.stream = stream;
        f.frame = {k};
        f.time = double(k) / 60.0;
        f.params = params;
        f.outputs = std::span(&view, 1);
        sim.step(f);
    }
    ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
}

class LiveKernelGpu : public ::testing::TestWithParam<const char*> {
protected:
    void SetUp() override {
        std::string why;
        if (!sm90(why))
            GTEST_SKIP() << why;
        ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
        ASSERT_EQ(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), cudaSuccess);
    }
    void TearDown() override {
        if (stream_)
            cudaStreamDestroy(stream_);
    }
    cudaStream_t stream_ = nullptr;
};

TEST_P(LiveKernelGpu, ExampleMatchesTheSameSourceBuiltByNvccBitForBit) {
    const std::string name = GetParam();
    const auto file = std::filesystem::path(CUVK_KERNELS_DIR) / (name + ".cu");
    constexpr unsigned kW = 333, kH = 187; // not multiples of the block
    constexpr std::uint64_t kFrames = 24;
    auto sim = compute::make_live_kernel({.file = file, .watch = false});
    const auto params = defaults(sim->desc());
    const compute::SimulationInfo info{.extent = {kW, kH}, .params = params};
    const auto format = sim->outputs(info)[0].format;
    sim->start(info, stream_);
    Image live(kW, kH, format);
    run(*sim, live, stream_, 0, kFrames, params);
    sim->stop();
    ASSERT_EQ(cudaStreamSynchronize(stream_), cudaSuccess);

    // The reference: nvcc's CUBIN through the runtime's own library calls, the same launch convention.
    std::ifstream in(file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto source = compute::parse_kernel_source(text, file.filename().string());
    cudaLibrary_t library = nullptr;
    cudaKernel_t kernel = nullptr;
    const auto cubin = std::filesystem::path(CUVK_NVCC_CUBINS) / (name + ".cubin");
    CUDA_OK(cudaLibraryLoadFromFile(&library, cubin.c_str(), nullptr, nullptr, 0, nullptr, nullptr, 0));
    CUDA_OK(cudaLibraryGetKernel(&kernel, library, source.kernel.c_str()));
    Image ref(kW, kH, format);
    void* state[2] = {nullptr, nullptr};
    const std::size_t state_bytes = std::size_t(kW) * kH * source.state_floats * sizeof(float);
    if (source.state_floats)
        for (auto& s : state) {
            CUDA_OK(cudaMalloc(&s, state_bytes));
            CUDA_OK(cudaMemset(s, 0, state_bytes));
        }
    for (std::uint64_t k = 0; k < kFrames; ++k) {
        unsigned long long surface = ref.surface;
        int w = kW, h = kH;
        unsigned frame = unsigned(k);
        float time = float(double(k) / 60.0);
        std::vector<void*> args{&surface, &w, &h, &frame, &time};
        if (source.state_floats) {
            args.push_back(&state[0]);
            args.push_back(&state[1]);
        }
        std::vector<int> ints(params.size());
        std::vector<float> floats(params.begin(), params.end());
        for (std::size_t i = 0; i < params.size(); ++i) {
            ints[i] = int(params[i]);
            args.push_back(source.params[i].integer ? static_cast<void*>(&ints[i]) : &floats[i]);
        }
        const dim3 block(source.block_x, source.block_y);
        const dim3 grid((kW + block.x - 1) / block.x, (kH + block.y - 1) / block.y);
        CUDA_OK(cudaLaunchKernel(reinterpret_cast<const void*>(kernel), grid, block, args.data(), 0, stream_));
        std::swap(state[0], state[1]);
    }
    CUDA_OK(cudaStreamSynchronize(stream_));
    const auto a = live.read(), b = ref.read();
    std::size_t differing = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        differing += a[i] != b[i];
    EXPECT_EQ(differing, 0u) << name << ": bytes that differ between NVRTC's and nvcc's build, of " << a.size();
    for (auto* s : state)
        cudaFree(s);
    cudaLibraryUnload(library);
}

INSTANTIATE_TEST_SUITE_P(Examples, LiveKernelGpu, ::testing::Values("plasma", "gray_scott", "wave"));

// A kernel that writes one colour everywhere (RGBA8), with one parameter so that its declarations stay the same.
std::string solid(unsigned rgba, const char* extra = "") {
    return std::string("// @param float gain 1 0 2\n") + extra +
           "extern \"C\" __global__ void step(cudaSurfaceObject_t out, int width, int height, unsigned frame, "
           "float time, float gain) {\n"
           "    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;\n"
           "    if (x < width && y < height) surf2Dwrite(" +
           std::to_string(rgba) + "u, out, x * 4, y);\n}\n";
}

void write_file(const std::filesystem::path& file, const std::string& text) {
    const auto temp = file.string() + ".new"; // replaced whole, as editors save
    std::ofstream(temp) << text;
    std::filesystem::rename(temp, file);
}

// Waits until the compile thread has finished one more compile than it had when `before` was read.
compute::LiveKernelStatus wait_compiled(const compute::LiveKernel& sim, const compute::LiveKernelStatus& before) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
        auto st = sim.status();
        if ((!st.compiling && st.compiles > before.compiles) || std::chrono::steady_clock::now() > until)
            return st;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

TEST_F(LiveKernelGpu, HotReloadSwapsAtTheNextFrameAndKeepsTheLastGoodKernel) {
    const auto dir = std::filesystem::temp_directory_path() / "cuvk-live-kernel-test";
    std::filesystem::create_directories(dir);
    const auto file = dir / "solid.cu";
    write_file(file, solid(0xff0000ffu));
    auto sim = compute::make_live_kernel({.file = file, .watch = true, .poll_ms = 10});
    const std::vector<float> params{1.0f};
    const compute::SimulationInfo info{.extent = {64, 48}, .params = params};
    sim->start(info, stream_);
    Image image(64, 48, compute::PixelFormat::rgba8);
    auto colour = [&] {
        std::uint32_t c = 0;
        std::memcpy(&c, image.read().data() + (20 * 64 + 30) * 4, 4);
        return c;
    };
    run(*sim, image, stream_, 0, 2, params);
    EXPECT_EQ(colour(), 0xff0000ffu);
    EXPECT_EQ(sim->status().generation, 1u);

    // A good change: compiled off this thread, running from the next frame on.
    std::this_thread::sleep_for(std::chrono::milliseconds(20)); // a later modification time than the first write
    auto st = sim->status();
    write_file(file, solid(0xff00ff00u));
    st = wait_compiled(*sim, st);
    ASSERT_NE(st.message.find("compiled solid.cu"), std::string::npos) << st.message;
    run(*sim, image, stream_, 2, 1, params);
    EXPECT_EQ(colour(), 0xff00ff00u) << "the frame after the compile finished runs the new kernel";
    st = sim->status();
    EXPECT_EQ(st.generation, 2u);
    EXPECT_EQ(st.swapped_at_frame, 2u);
    std::printf("[ reload   ] saved -> first launch of the new kernel: %.1f ms (compile %.1f ms)\n", st.reload_ms,
                st.compile_ms);
    RecordProperty("reload_ms", std::to_string(st.reload_ms));

    // A compile error: reported with its line, the last good kernel keeps running.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    write_file(file, solid(0xffff0000u, "// a comment line\n") + "not C++;\n"); // line 7
    st = wait_compiled(*sim, st);
    ASSERT_FALSE(st.errors.empty()) << st.message;
    EXPECT_EQ(st.errors[0].line, 7u) << st.errors[0].message;
    EXPECT_NE(st.message.find("solid.cu:7"), std::string::npos) << st.message;
    run(*sim, image, stream_, 3, 1, params);
    EXPECT_EQ(colour(), 0xff00ff00u);
    EXPECT_EQ(sim->status().generation, 2u);

    // New declarations are refused while it runs.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    write_file(file, "// @param float other 1 0 2\n" + solid(0xffffffffu).substr(solid(0).find('\n') + 1));
    st = wait_compiled(*sim, st);
    EXPECT_NE(st.message.find("parameter 1 changed"), std::string::npos) << st.message;

    // The editor's source goes the same way.
    sim->submit_source(solid(0xff123456u));
    st = wait_compiled(*sim, st);
    EXPECT_NE(st.message.find("compiled <editor>"), std::string::npos) << st.message;
    run(*sim, image, stream_, 4, 1, params);
    EXPECT_EQ(colour(), 0xff123456u);
    EXPECT_EQ(sim->status().generation, 3u);
    EXPECT_NE(sim->source_text().find(std::to_string(0xff123456u)), std::string::npos);
    sim->stop();
    ASSERT_EQ(cudaStreamSynchronize(stream_), cudaSuccess);
    sim.reset();
    std::filesystem::remove_all(dir);
}

} // namespace
