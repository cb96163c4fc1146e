// The micro-benchmarks and the floor in a build without CUDA: nothing can run, and the report says so.

#include "cuvk/core/error.hpp"
#include "cuvk/engine/micro_bench.hpp"

namespace cuvk::engine {

MicroReport run_micro_benchmarks(const render::Context&, const MicroOptions& options) {
    check_micro_options(options);
    return {.not_run = "cuvk was built without CUDA"};
}

FloorResult run_floor(const render::Context&, std::unique_ptr<compute::Simulation>, const FloorInfo& info) {
    check_floor_info(info);
    return {.not_run = "cuvk was built without CUDA"};
}

} // namespace cuvk::engine
