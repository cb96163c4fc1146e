#include "cuvk/compute/check.hpp"

#include <string>

namespace cuvk::compute {

void check_cuda(cudaError_t result, std::string_view call, std::string_view object, std::source_location where) {
    if (result == cudaSuccess)
        return;
    (void)cudaGetLastError(); // clear a non-sticky error so later calls do not report it again
    const auto paren = call.find('(');
    std::string what = cudaGetErrorString(result);
    throw core::Error({.api = core::Api::cuda,
                       .call = std::string(call.substr(0, paren)),
                       .result = cudaGetErrorName(result),
                       .what = std::move(what),
                       .object = std::string(object)},
                      where);
}

} // namespace cuvk::compute
