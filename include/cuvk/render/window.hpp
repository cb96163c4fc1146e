#pragma once
// cuvk::render::Window — a GLFW window that Vulkan presents to, and the input that arrives in it.
//
// Owns: GLFW's library state (initialised by the first Window, terminated with the last: GLFW keeps process-wide
// state, so windows must be created and used on the main thread) and one GLFWwindow. The Vulkan surface belongs to
// the Swapchain made for it. Input arrives through the callbacks in WindowCallbacks, on the thread that calls
// poll_events() or wait_events(), before Dear ImGui's GLFW backend sees it (ImGuiLayer chains after them).
// Throws: core::Error when there is no display (call "glfwInit", GLFW's own reason, a note suggesting --headless),
// when GLFW finds no Vulkan loader, or when the window cannot be created.

#include "cuvk/core/types.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

struct GLFWwindow;

namespace cuvk::render {

struct WindowInfo {
    core::Extent2D size{1280, 800}; // client area in screen coordinates
    std::string title = "cuvk";
    bool fullscreen = false; // on the primary monitor at its current video mode
    bool visible = true;
};

// What the window hands its user. Every field may be empty.
struct WindowCallbacks {
    std::function<void(int key, int action, int mods)> key;             // GLFW key codes and actions
    std::function<void(int button, int action, int mods)> mouse_button; // GLFW mouse buttons
    std::function<void(double x, double y)> cursor;                     // in framebuffer pixels
    std::function<void(double dx, double dy)> scroll;
};

class Window {
public:
    static std::unique_ptr<Window> create(const WindowInfo& info);
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    GLFWwindow* get() const noexcept { return window_; }
    // Instance extensions a surface of this window needs (VK_KHR_surface and the platform's).
    static std::vector<std::string> required_instance_extensions();

    void set_callbacks(WindowCallbacks callbacks) { callbacks_ = std::move(callbacks); }
    void poll_events();
    // Blocks until an event arrives or `timeout_s` passes (a minimised window has nothing to draw).
    void wait_events(double timeout_s);

    // Size of the drawable area in pixels (0x0 while minimised on some platforms).
    core::Extent2D framebuffer_size() const;
    // Minimised (iconified), or with nothing to draw into: skip frames and wait_events().
    bool is_minimized() const;
    // Pixels per screen coordinate the platform asks for (HiDPI), the larger of x and y.
    float content_scale() const;
    bool should_close() const;
    void request_close();
    bool is_fullscreen() const noexcept { return fullscreen_; }
    // Fullscreen on the monitor the window is on, or back to the windowed size and place it had.
    void toggle_fullscreen();
    void set_title(const std::string& title);

private:
    Window() = default;
    static void on_key(GLFWwindow* w, int key, int scancode, int action, int mods);
    static void on_mouse_button(GLFWwindow* w, int button, int action, int mods);
    static void on_cursor(GLFWwindow* w, double x, double y);
    static void on_scroll(GLFWwindow* w, double dx, double dy);

    GLFWwindow* window_ = nullptr;
    WindowCallbacks callbacks_;
    bool fullscreen_ = false;
    int windowed_x_ = 0, windowed_y_ = 0, windowed_w_ = 0, windowed_h_ = 0;
};

} // namespace cuvk::render
