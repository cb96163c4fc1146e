// Viewer presets (JSON) and the list of controls.
//
// A preset: {"cuvk_preset": 1, "frames_in_flight": 3, "sync": "timeline",
//            "panes": [{"sample": "gray-scott", "backend": "cpu", "seed": 1, "steps": 1,
//                       "params": {"feed": 0.037, ...}}]}
// Parameters a pane leaves out keep their defaults; everything named must exist and be within range.

#include "cuvk/core/atomic_file.hpp"
#include "cuvk/core/error.hpp"
#include "cuvk/core/text.hpp"
#include "cuvk/engine/viewer.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cuvk::engine {
namespace {

using nlohmann::json;

[[noreturn]] void bad_preset(const std::string& path, const std::string& what) {
    core::fail_usage("preset " + core::quote(path) + ": " + what);
}

template <class T> T get(const json& j, const char* key, const T& fallback, const std::string& path) {
    if (!j.contains(key))
        return fallback;
    try {
        return j.at(key).get<T>();
    } catch (const json::exception&) {
        bad_preset(path, std::string("\"") + key + "\" has the wrong type");
    }
}

} // namespace

ViewerPreset load_preset(const Registry& registry, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        core::fail_usage("preset " + core::quote(path) + " cannot be read: " + std::strerror(errno));
    std::stringstream text;
    text << in.rdbuf();
    json j;
    try {
        j = json::parse(text.str());
    } catch (const json::parse_error& e) {
        bad_preset(path, std::string("not JSON (") + e.what() + ")");
    }
    if (!j.is_object() || get<int>(j, "cuvk_preset", 0, path) != 1)
        bad_preset(path, "not a cuvk preset (an object with \"cuvk_preset\": 1)");
    ViewerPreset preset;
    preset.frames_in_flight = get<std::uint32_t>(j, "frames_in_flight", 3, path);
    if (preset.frames_in_flight < 1 || preset.frames_in_flight > 8)
        bad_preset(path, "frames_in_flight must be 1..8");
    preset.sync = parse_sync(get<std::string>(j, "sync", "timeline", path));
    if (!j.contains("panes") || !j.at("panes").is_array() || j.at("panes").empty() || j.at("panes").size() > 4)
        bad_preset(path, "\"panes\" must be a list of 1 to 4 panes");
    for (const json& p : j.at("panes")) {
        if (!p.is_object())
            bad_preset(path, "each pane is an object");
        ViewerPane pane;
        pane.sample = get<std::string>(p, "sample", "", path);
        const compute::SimulationDesc* desc = nullptr;
        try {
            desc = &registry.desc(pane.sample);
        } catch (const core::Error& e) {
            bad_preset(path, e.doing());
        }
        pane.backend = parse_backend(get<std::string>(p, "backend", "auto", path));
        pane.seed = get<std::uint32_t>(p, "seed", 1, path);
        pane.steps = get<std::uint32_t>(p, "steps", 1, path);
        if (pane.steps > 64)
            bad_preset(path, "steps must be 0..64");
        std::vector<std::string> sets;
        if (p.contains("params")) {
            if (!p.at("params").is_object())
                bad_preset(path, "\"params\" is an object of name: value");
            for (const auto& [name, value] : p.at("params").items()) {
                if (!value.is_number())
                    bad_preset(path, "parameter \"" + name + "\" is not a number");
                std::ostringstream v;
                v.precision(9);
                v << value.get<double>();
                sets.push_back(name + "=" + v.str());
            }
        }
        try {
            pane.params = resolve_params(*desc, sets);
        } catch (const core::Error& e) {
            bad_preset(path, e.doing());
        }
        preset.panes.push_back(std::move(pane));
    }
    return preset;
}

void save_preset(const Registry& registry, const ViewerPreset& preset, const std::string& path) {
    json panes = json::array();
    for (const auto& pane : preset.panes) {
        const auto& desc = registry.desc(pane.sample);
        const std::vector<float> values = pane.params.empty() ? resolve_params(desc, pane.sets) : pane.params;
        json params = json::object();
        for (std::size_t i = 0; i < desc.params.size() && i < values.size(); ++i)
            params[desc.params[i].name] = values[i];
        panes.push_back({{"sample", pane.sample},
                         {"backend", to_string(pane.backend)},
                         {"seed", pane.seed},
                         {"steps", pane.steps},
                         {"params", params}});
    }
    const json j = {{"cuvk_preset", 1},
                    {"frames_in_flight", preset.frames_in_flight},
                    {"sync", to_string(preset.sync)},
                    {"panes", panes}};
    core::write_file_atomically(path, j.dump(2) + "\n");
}

std::string viewer_controls() {
    return "  Space        pause / resume every pane\n"
           "  N            one step (while paused)\n"
           "  R            reset: restart the simulations (same seed)\n"
           "  P            screenshot (cuvk-<time>.png, panel included)\n"
           "  V            start / stop recording (ffmpeg, else a PNG sequence)\n"
           "  F or F11     fullscreen\n"
           "  Tab or H     hide / show the panel\n"
           "  0            reset the view (zoom, pan, camera)\n"
           "  Esc or Q     quit\n"
           "  Mouse, images: left drag paints (fluid: dye and force, gray-scott: chemical; right: erase),\n"
           "                 middle drag or Shift + left drag pans, wheel zooms at the cursor\n"
           "  Mouse, 3D:     left drag orbits, wheel moves closer / further\n";
}

} // namespace cuvk::engine
