#include "cuvk/engine/backend.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/core/text.hpp"

namespace cuvk::engine {

Backend parse_backend(std::string_view text) {
    for (Backend b :
         {Backend::automatic, Backend::interop, Backend::split, Backend::staging, Backend::cpu, Backend::gl})
        if (text == to_string(b))
            return b;
    core::fail_usage("unknown backend " + core::quote(text) +
                     " (choose auto, interop, split, staging or cpu; cuvk-bench also runs gl)");
}

SyncMode parse_sync(std::string_view text) {
    if (text == "timeline")
        return SyncMode::timeline;
    if (text == "binary")
        return SyncMode::binary;
    core::fail_usage("unknown sync mode " + core::quote(text) + " (choose timeline or binary)");
}

const char* to_string(Backend backend) {
    switch (backend) {
    case Backend::automatic:
        return "auto";
    case Backend::interop:
        return "interop";
    case Backend::split:
        return "split";
    case Backend::staging:
        return "staging";
    case Backend::cpu:
        return "cpu";
    case Backend::gl:
        return "gl";
    }
    return "?";
}

const char* to_string(SyncMode sync) {
    return sync == SyncMode::timeline ? "timeline" : "binary";
}

} // namespace cuvk::engine
