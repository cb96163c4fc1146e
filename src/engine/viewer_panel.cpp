// The viewer's control panel (Dear ImGui). Immediate mode: each frame draws the widgets from the viewer's state;
// what changes in place (parameters, steps, views) is applied at once, what needs new rings or files is queued in
// requests_ for apply_requests(). Every control a test or script may click is named with note_control(), and its
// rectangle (framebuffer pixels) goes into the status file.

#include "cuvk/core/text.hpp"
#include "viewer_impl.hpp"

#include "cuvk/compute/live_kernel.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

namespace cuvk::engine {
namespace {

constexpr float kPanelWidth = 340.0f;
constexpr std::uint32_t kSizes[] = {128, 256, 512, 1024, 2048, 4096}; // square simulation sizes offered

const char* kind_name(compute::OutputKind kind) {
    switch (kind) {
    case compute::OutputKind::image:
        return "image";
    case compute::OutputKind::points:
        return "points";
    case compute::OutputKind::mesh:
        return "mesh";
    }
    return "?";
}

void plot(const char* label, const Rolling& series, const char* unit) {
    const std::vector<float> values = series.ordered();
    char overlay[96];
    const StageStats stats = series.stats();
    std::snprintf(overlay, sizeof overlay, "mean %.3f  p99 %.3f %s", stats.mean_ms, stats.p99_ms, unit);
    ImGui::PlotLines(label, values.data(), int(values.size()), 0, overlay, 0.0f, FLT_MAX, ImVec2(0, 42));
}

} // namespace

void Viewer::note_control(const std::string& name) {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
    controls_[name] = {a.x * scale.x, a.y * scale.y, (b.x - a.x) * scale.x, (b.y - a.y) * scale.y};
}

void Viewer::draw_panel() {
    panel_rect_ = {};
    panel_busy_ = false;
    if (!panel_visible_)
        return;
    // Left edge, full height (scrolling when the sections do not fit); the panes stay visible to its right.
    const float height = std::max(80.0f, ImGui::GetIO().DisplaySize.y - 16.0f);
    ImGui::SetNextWindowPos(ImVec2(8, 8), ImGuiCond_Once);
    ImGui::SetNextWindowSize(ImVec2(kPanelWidth, height), ImGuiCond_Once);
    ImGui::SetNextWindowSizeConstraints(ImVec2(220, 60), ImVec2(900, height));
    const bool open = ImGui::Begin("cuvk", nullptr);
    {
        const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
        const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
        panel_rect_ = {pos.x * scale.x, pos.y * scale.y, size.x * scale.x, size.y * scale.y};
        controls_["panel"] = panel_rect_;
        panel_busy_ = ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId) || ImGui::IsAnyItemActive();
    }
    if (!open) {
        ImGui::End();
        return;
    }
    ImGui::TextUnformatted(ctx_->device_name().c_str());
    if (!cuda_available_) {
        ImGui::TextDisabled("CUDA backends unavailable (hover for why)");
        if (ImGui::IsItemHovered()) {
            ImGui::BeginTooltip();
            ImGui::PushTextWrapPos(480.0f);
            ImGui::TextUnformatted(cuda_reasons_.c_str());
            ImGui::PopTextWrapPos();
            ImGui::EndTooltip();
        }
    }
    const StageStats frame = frame_ms_.stats();
    ImGui::Text("%.1f fps  frame %.2f ms  p99 %.2f ms", frame.mean_ms > 0 ? 1000.0 / frame.mean_ms : 0.0, frame.mean_ms,
                frame.p99_ms);
    plot("frame", frame_ms_, "ms");

    if (ImGui::Button(paused_ ? "Resume" : "Pause", ImVec2(80, 0)))
        set_paused(!paused_);
    note_control("pause");
    ImGui::SameLine();
    if (ImGui::Button("Step", ImVec2(60, 0)))
        requests_.step = true;
    note_control("step");
    ImGui::SameLine();
    if (ImGui::Button("Reset", ImVec2(60, 0)))
        for (std::size_t i = 0; i < panes_.size(); ++i)
            requests_.restart.push_back(i);
    note_control("reset");
    ImGui::SameLine();
    if (ImGui::Button("Shot", ImVec2(50, 0)))
        requests_.screenshot = true;
    note_control("screenshot");
    if (ImGui::Button(recorder_ ? "Stop recording" : "Record", ImVec2(120, 0)))
        requests_.toggle_record = true;
    note_control("record");
    if (recorder_) {
        ImGui::SameLine();
        ImGui::Text("%llu frames, %llu dropped", static_cast<unsigned long long>(recorder_->written()),
                    static_cast<unsigned long long>(recorder_->dropped()));
    }
    ImGui::Text("frame %llu%s", static_cast<unsigned long long>(frames_), paused_ ? "  (paused)" : "");
    if (ImGui::CollapsingHeader("Presets")) {
        note_control("presets");
        char path[512];
        std::snprintf(path, sizeof path, "%s", preset_path_.c_str());
        if (ImGui::InputText("file", path, sizeof path))
            preset_path_ = path;
        if (ImGui::Button("Save"))
            requests_.save_preset = preset_path_;
        note_control("preset_save");
        ImGui::SameLine();
        if (ImGui::Button("Load"))
            requests_.load_preset = preset_path_;
        note_control("preset_load");
    } else {
        note_control("presets");
    }

    if (ImGui::CollapsingHeader("Rings", ImGuiTreeNodeFlags_DefaultOpen)) {
        int n = int(frames_in_flight_);
        ImGui::SliderInt("frames in flight", &n, 1, 8);
        if (ImGui::IsItemDeactivatedAfterEdit() && std::uint32_t(n) != frames_in_flight_) {
            frames_in_flight_ = std::uint32_t(n);
            requests_.rebuild_all = true;
        }
        int sync = sync_ == SyncMode::timeline ? 0 : 1;
        ImGui::TextUnformatted("sync");
        ImGui::SameLine();
        bool changed = ImGui::RadioButton("timeline", &sync, 0);
        ImGui::SameLine();
        changed |= ImGui::RadioButton("binary", &sync, 1);
        if (changed && (sync == 0) != (sync_ == SyncMode::timeline)) {
            sync_ = sync == 0 ? SyncMode::timeline : SyncMode::binary;
            requests_.rebuild_all = true;
        }
        // Simulation size: independent of the window (the compositor scales), or following each pane.
        char current[48];
        std::snprintf(current, sizeof current, "%s", match_window_ ? "pane size" : core::to_string(sim_size_).c_str());
        if (ImGui::BeginCombo("sim size", current)) {
            if (ImGui::Selectable("pane size", match_window_)) {
                match_window_ = true;
                requests_.rebuild_all = true;
            }
            for (std::uint32_t s : kSizes) {
                const core::Extent2D e{s, s};
                if (ImGui::Selectable(core::to_string(e).c_str(), !match_window_ && sim_size_ == e)) {
                    match_window_ = false;
                    sim_size_ = e;
                    requests_.rebuild_all = true;
                }
            }
            ImGui::EndCombo();
        }
        note_control("sim_size");
        if (swapchain_) {
            const auto& sc = swapchain_->swapchain();
            for (std::size_t m = 0; m < sc.present_modes().size(); ++m) {
                if (m > 0)
                    ImGui::SameLine();
                if (ImGui::RadioButton(render::to_string(sc.present_modes()[m]),
                                       sc.present_mode() == sc.present_modes()[m]))
                    requests_.present_mode = sc.present_modes()[m];
            }
            bool copy = copy_path_;
            if (ImGui::Checkbox("composite offscreen + copy", &copy))
                requests_.toggle_copy = true;
            note_control("copy_path");
            ImGui::TextDisabled("%s into %s", swapchain_->direct() ? "compute shader straight" : "blit",
                                core::to_string(swapchain_->extent()).c_str());
        }
        if (panes_.size() < 4) {
            if (ImGui::Button("Add pane"))
                requests_.add_pane = true;
            note_control("add_pane");
        }
    }

    const auto names = registry_.names();
    for (std::size_t i = 0; i < panes_.size(); ++i) {
        PaneState& pane = panes_[i];
        const std::string id = std::to_string(i);
        ImGui::PushID(int(i));
        char title[96];
        std::snprintf(title, sizeof title, "Pane %zu: %s (%s)###pane", i + 1, pane.settings.sample.c_str(),
                      to_string(pane.backend));
        if (ImGui::CollapsingHeader(title, ImGuiTreeNodeFlags_DefaultOpen)) {
            // Sample picker: radio buttons, three to a row.
            for (std::size_t s = 0; s < names.size(); ++s) {
                if (s % 3 != 0)
                    ImGui::SameLine();
                if (ImGui::RadioButton(names[s].c_str(), pane.settings.sample == names[s]) &&
                    pane.settings.sample != names[s]) {
                    pane.settings.sample = names[s];
                    pane.settings.params = resolve_params(registry_.desc(names[s]), {});
                    pane.view = PaneView{};
                    requests_.restart.push_back(i);
                }
                note_control("sample" + id + "." + names[s]);
            }
            ImGui::TextUnformatted("backend");
            for (Backend b : {Backend::interop, Backend::staging, Backend::cpu}) {
                ImGui::SameLine();
                if (ImGui::RadioButton(to_string(b), pane.backend == b) && pane.backend != b) {
                    pane.settings.backend = b;
                    requests_.restart.push_back(i);
                }
                note_control("backend" + id + "." + to_string(b));
            }
            if (!pane.note.empty())
                ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.4f, 1.0f), "%s", pane.note.c_str());
            int seed = int(pane.settings.seed);
            ImGui::SetNextItemWidth(120);
            if (ImGui::InputInt("seed", &seed) && seed >= 0) {
                pane.settings.seed = std::uint32_t(seed);
                requests_.restart.push_back(i);
            }
            int steps = int(pane.settings.steps);
            if (ImGui::SliderInt("steps/frame", &steps, 1, 16)) {
                pane.settings.steps = std::uint32_t(steps);
                if (pane.ring && !paused_)
                    pane.ring->set_steps(pane.settings.steps);
            }
            if (pane.ring) {
                const auto& desc = pane.ring->simulation().desc();
                std::vector<float> values = pane.ring->params();
                bool edited = false;
                for (std::size_t p = 0; p < desc.params.size(); ++p) {
                    const auto& spec = desc.params[p];
                    if (spec.integer) {
                        int v = int(std::lround(values[p]));
                        if (ImGui::SliderInt(spec.name.c_str(), &v, int(spec.min), int(spec.max))) {
                            values[p] = float(v);
                            edited = true;
                        }
                    } else {
                        const float range = spec.max - spec.min;
                        const char* format = range <= 0.2f ? "%.4f" : range <= 2.0f ? "%.3f" : "%.2f";
                        edited |= ImGui::SliderFloat(spec.name.c_str(), &values[p], spec.min, spec.max, format);
                    }
                    if (ImGui::IsItemHovered() && !spec.help.empty())
                        ImGui::SetTooltip("%s", spec.help.c_str());
                }
                if (edited) {
                    pane.ring->set_params(values);
                    pane.settings.params = values;
                }
                const auto& out = pane.ring->output();
                ImGui::TextDisabled("%s %s, %u steps taken", kind_name(out.kind),
                                    core::to_string(pane.ring->info().extent).c_str(),
                                    unsigned(pane.ring->steps_taken()));
                if (out.kind == compute::OutputKind::image && out.format == compute::PixelFormat::r32f) {
                    int mode = pane.view.scalar == render::ColorMode::grey       ? 0
                               : pane.view.scalar == render::ColorMode::map_auto ? 1
                                                                                 : 2;
                    ImGui::TextUnformatted("colour");
                    ImGui::SameLine();
                    ImGui::RadioButton("grey", &mode, 0);
                    ImGui::SameLine();
                    ImGui::RadioButton("auto range", &mode, 1);
                    ImGui::SameLine();
                    ImGui::RadioButton("fixed", &mode, 2);
                    pane.view.scalar = mode == 0   ? render::ColorMode::grey
                                       : mode == 1 ? render::ColorMode::map_auto
                                                   : render::ColorMode::map_fixed;
                    if (mode == 2)
                        ImGui::DragFloatRange2("range", &pane.view.range[0], &pane.view.range[1], 0.01f);
                    if (loop_)
                        loop_->set_view(i, pane.view); // the loop draws with its own copy of the view
                }
                if (auto* live = dynamic_cast<compute::LiveKernel*>(&pane.ring->simulation()))
                    draw_kernel(pane, *live, id);
                plot("sim ms", pane.sim_ms, "ms");
                plot("draw ms", pane.draw_ms, "ms");
            }
            if (panes_.size() > 1) {
                if (ImGui::Button("Remove pane"))
                    requests_.remove_pane = i;
                note_control("remove" + id);
            }
        }
        ImGui::PopID();
    }

    if (!message_.empty())
        ImGui::TextWrapped("%s", message_.c_str());
    ImGui::TextDisabled("Space pause  N step  P shot  V record  H panel");
    ImGui::End();
}

// A live kernel's section: what the compile thread last did, its errors (each with the failing line quoted) and an
// editor whose Compile button hands the text to the kernel (compiled off this thread, swapped in when it compiles).
void Viewer::draw_kernel(PaneState& pane, compute::LiveKernel& live, const std::string& id) {
    if (!ImGui::TreeNodeEx("kernel source", ImGuiTreeNodeFlags_DefaultOpen))
        return;
    const compute::LiveKernelStatus st = live.status();
    if (!pane.kernel_edited && pane.kernel_generation != st.generation) { // follow the running source until edited
        pane.kernel_text = live.source_text();
        pane.kernel_generation = st.generation;
    }
    const ImVec4 red(1.0f, 0.45f, 0.4f, 1.0f), green(0.55f, 0.9f, 0.55f, 1.0f);
    ImGui::Text("kernel #%llu%s", static_cast<unsigned long long>(st.generation), st.compiling ? "  compiling..." : "");
    if (st.errors.empty() || st.errors[0].line == 0) { // numbered errors are listed below with their lines
        const bool bad = !st.errors.empty() || (st.faults > 0 && st.message == st.fault);
        ImGui::PushStyleColor(ImGuiCol_Text, bad ? red : green);
        ImGui::TextWrapped("%s", st.message.c_str());
        ImGui::PopStyleColor();
    }
    if (st.faults > 0 && st.message != st.fault)
        ImGui::TextColored(red, "faults %llu; last: %s", static_cast<unsigned long long>(st.faults), st.fault.c_str());
    if (st.reload_ms > 0.0)
        ImGui::TextDisabled("last reload %.0f ms from the change to its first frame", st.reload_ms);
    // Each error, and the line it names quoted from the source that failed.
    std::vector<std::string> lines;
    for (std::size_t at = 0; at <= st.failed_source.size();) {
        const auto end = std::min(st.failed_source.find('\n', at), st.failed_source.size());
        lines.push_back(st.failed_source.substr(at, end - at));
        at = end + 1;
    }
    for (const auto& e : st.errors) {
        ImGui::TextColored(red, "line %u: %s", e.line, e.message.c_str());
        if (e.line >= 1 && e.line <= lines.size())
            ImGui::TextColored(red, "  %4u > %s", e.line, lines[e.line - 1].c_str());
    }
    if (ImGui::InputTextMultiline("##source", &pane.kernel_text, ImVec2(-FLT_MIN, ImGui::GetTextLineHeight() * 14),
                                  ImGuiInputTextFlags_AllowTabInput))
        pane.kernel_edited = true;
    note_control("kernel_source" + id);
    if (ImGui::Button("Compile")) {
        live.submit_source(pane.kernel_text);
        pane.kernel_edited = false; // from now on the editor follows what runs (this text, once it compiled)
        pane.kernel_generation = st.generation;
    }
    note_control("kernel_compile" + id);
    ImGui::SameLine();
    if (ImGui::Button("Revert")) {
        pane.kernel_text = live.source_text();
        pane.kernel_edited = false;
    }
    note_control("kernel_revert" + id);
    ImGui::TreePop();
}

} // namespace cuvk::engine
