#include "cuvk/render/window.hpp"

#include "cuvk/core/error.hpp"

#define GLFW_INCLUDE_VULKAN // GLFW then declares glfwCreateWindowSurface
#include <GLFW/glfw3.h>

#include <algorithm>

namespace cuvk::render {
namespace {

// GLFW's state is process-wide: count the windows that use it (main thread only, as GLFW requires).
int g_windows = 0;

std::string glfw_error() {
    const char* text = nullptr;
    const int code = glfwGetError(&text);
    return code == GLFW_NO_ERROR ? std::string("no reason given") : std::string(text ? text : "unknown error");
}

[[noreturn]] void fail_glfw(const char* call, std::string what, std::string note = {}) {
    throw core::Error({.api = core::Api::cuvk, .call = call, .what = std::move(what), .note = std::move(note)});
}

void init_glfw() {
    if (g_windows++ > 0)
        return;
    if (glfwInit() != GLFW_TRUE) {
        g_windows = 0;
        fail_glfw("glfwInit", "no display: " + glfw_error(), "run with --headless to draw into an offscreen image");
    }
    if (glfwVulkanSupported() != GLFW_TRUE) {
        glfwTerminate();
        g_windows = 0;
        fail_glfw("glfwVulkanSupported", "GLFW found no Vulkan loader: " + glfw_error());
    }
}

void release_glfw() noexcept {
    if (g_windows > 0 && --g_windows == 0)
        glfwTerminate();
}

Window* owner(GLFWwindow* w) {
    return static_cast<Window*>(glfwGetWindowUserPointer(w));
}

} // namespace

std::unique_ptr<Window> Window::create(const WindowInfo& info) {
    if (info.size.empty())
        core::fail_usage("a window needs a non-empty size, not " + core::to_string(info.size));
    init_glfw();
    std::unique_ptr<Window> out(new Window);
    glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
    glfwWindowHint(GLFW_VISIBLE, info.visible ? GLFW_TRUE : GLFW_FALSE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    out->window_ = glfwCreateWindow(int(info.size.width), int(info.size.height), info.title.c_str(), nullptr, nullptr);
    if (!out->window_) {
        const std::string reason = glfw_error();
        release_glfw();
        fail_glfw("glfwCreateWindow", "could not create a " + core::to_string(info.size) + " window: " + reason);
    }
    glfwSetWindowUserPointer(out->window_, out.get());
    glfwSetKeyCallback(out->window_, &Window::on_key);
    glfwSetMouseButtonCallback(out->window_, &Window::on_mouse_button);
    glfwSetCursorPosCallback(out->window_, &Window::on_cursor);
    glfwSetScrollCallback(out->window_, &Window::on_scroll);
    if (info.fullscreen)
        out->toggle_fullscreen();
    return out;
}

Window::~Window() {
    if (window_)
        glfwDestroyWindow(window_);
    release_glfw();
}

std::vector<std::string> Window::required_instance_extensions() {
    std::uint32_t count = 0;
    const char** names = glfwGetRequiredInstanceExtensions(&count);
    if (!names)
        fail_glfw("glfwGetRequiredInstanceExtensions", "no Vulkan surface support for this display: " + glfw_error());
    return {names, names + count};
}

void Window::poll_events() {
    glfwPollEvents();
}

void Window::wait_events(double timeout_s) {
    glfwWaitEventsTimeout(timeout_s);
}

core::Extent2D Window::framebuffer_size() const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    return {std::uint32_t(std::max(w, 0)), std::uint32_t(std::max(h, 0))};
}

bool Window::is_minimized() const {
    return glfwGetWindowAttrib(window_, GLFW_ICONIFIED) == GLFW_TRUE || framebuffer_size().empty();
}

float Window::content_scale() const {
    float x = 1.0f, y = 1.0f;
    glfwGetWindowContentScale(window_, &x, &y);
    return std::max({x, y, 1.0f});
}

bool Window::should_close() const {
    return glfwWindowShouldClose(window_) == GLFW_TRUE;
}

void Window::request_close() {
    glfwSetWindowShouldClose(window_, GLFW_TRUE);
}

void Window::set_title(const std::string& title) {
    glfwSetWindowTitle(window_, title.c_str());
}

void Window::toggle_fullscreen() {
    if (fullscreen_) {
        glfwSetWindowMonitor(window_, nullptr, windowed_x_, windowed_y_, windowed_w_, windowed_h_, GLFW_DONT_CARE);
        fullscreen_ = false;
        return;
    }
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
    if (!mode)
        return; // no monitor to fill (a headless X server without RandR): stay windowed
    glfwGetWindowPos(window_, &windowed_x_, &windowed_y_);
    glfwGetWindowSize(window_, &windowed_w_, &windowed_h_);
    glfwSetWindowMonitor(window_, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
    fullscreen_ = true;
}

void Window::on_key(GLFWwindow* w, int key, int, int action, int mods) {
    if (auto* self = owner(w); self && self->callbacks_.key)
        self->callbacks_.key(key, action, mods);
}

void Window::on_mouse_button(GLFWwindow* w, int button, int action, int mods) {
    if (auto* self = owner(w); self && self->callbacks_.mouse_button)
        self->callbacks_.mouse_button(button, action, mods);
}

void Window::on_cursor(GLFWwindow* w, double x, double y) {
    auto* self = owner(w);
    if (!self || !self->callbacks_.cursor)
        return;
    // GLFW reports screen coordinates; the panes are laid out in framebuffer pixels.
    int ww = 0, wh = 0, fw = 0, fh = 0;
    glfwGetWindowSize(w, &ww, &wh);
    glfwGetFramebufferSize(w, &fw, &fh);
    const double sx = ww > 0 ? double(fw) / ww : 1.0, sy = wh > 0 ? double(fh) / wh : 1.0;
    self->callbacks_.cursor(x * sx, y * sy);
}

void Window::on_scroll(GLFWwindow* w, double dx, double dy) {
    if (auto* self = owner(w); self && self->callbacks_.scroll)
        self->callbacks_.scroll(dx, dy);
}

} // namespace cuvk::render
