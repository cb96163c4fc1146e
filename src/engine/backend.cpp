#include "engine/backend.hpp"

#include "core/error.hpp"

namespace cuvk::engine {

Backend parse_backend(std::string_view text) {
    if (text == "auto")
        return Backend::automatic;
    if (text == "interop")
        return Backend::interop;
    if (text == "cpu")
        return Backend::cpu;
    core::fail_usage("unknown backend '" + std::string(text) + "' (choose auto, interop or cpu)");
}

const char* to_string(Backend backend) {
    switch (backend) {
    case Backend::automatic: return "auto";
    case Backend::interop: return "interop";
    case Backend::cpu: return "cpu";
    }
    return "?";
}

} // namespace cuvk::engine
