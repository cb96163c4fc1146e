#pragma once
// cuvk::interop::run_fault_checks — bad inputs to sharing, each of which must be answered by one clear core::Error
// while the process keeps working (cuvk-stress): an fd that is closed, empty (already given away) or not memory at
// all (Vulkan: in a second process, being invalid usage); an import with the wrong handle type or a wrong size; an
// image imported with the wrong format or extent; a Vulkan device paired with a CUDA device of another UUID; memory of
// another device. After each fault a normal export and import must still succeed ("recovered"). A fault that cannot be
// tried here (one GPU only, no CUDA) is reported not tried, with the reason. Needs: the contexts (and the CUDA device)
// outlive the call. Deliberately invalid inputs may make the validation layer report messages; the caller takes them
// afterwards.

#include "cuvk/interop/cuda_device.hpp"
#include "cuvk/render/context.hpp"

#include <string>
#include <vector>

namespace cuvk::interop {

struct FaultCheck {
    std::string name;
    bool tried = true;
    bool caught = false;    // a core::Error answered it
    bool recovered = false; // a normal import succeeded afterwards
    std::string message;    // the error's text; what happened instead; or why it was not tried
    bool ok() const noexcept { return !tried || (caught && recovered); }
};

struct FaultReport {
    std::vector<FaultCheck> checks;
    std::size_t caught() const;
    std::size_t failed() const; // tried and not (caught and recovered)
    std::string describe() const;
};

// `child_command` runs the checks that are invalid usage for Vulkan in a second process (cuvk-stress's path, run as
// `child_command --import-child FD`); without it they are reported not tried.
FaultReport run_fault_checks(const render::Context& ctx, const render::Context& second, const CudaDevice* cuda,
                             const std::string& child_command = {});

} // namespace cuvk::interop
