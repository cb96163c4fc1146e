// The fill sample on CUDA: one launch of the pattern kernel per frame into the frame's surface. No state beyond the
// steps taken.

#include "cuvk/core/error.hpp"
#include "fill.hpp"
#include "pattern.hpp"

namespace cuvk::compute {
namespace {

// The stream must outlive it.
class CudaFill final : public CudaSimulation {
public:
    explicit CudaFill(cudaStream_t stream) : stream_(stream) {}

    void step(const DeviceOutput& out) override {
        CUVK_ASSERT(out.levels.size() == 1, "the fill writes one level");
        frame_ += out.steps;
        launch_fill_rgba8(out.levels[0], frame_ > 0 ? frame_ - 1 : 0, stream_);
    }

private:
    cudaStream_t stream_;
    std::uint32_t frame_ = 0; // steps taken, this frame's included (fill_cpu.cpp)
};

} // namespace

std::unique_ptr<CudaSimulation> make_fill_cuda(const SimulationInfo&, cudaStream_t stream) {
    return std::make_unique<CudaFill>(stream);
}

} // namespace cuvk::compute
