#pragma once
// cuvk::core::Unique<Handle, Deleter> — the one generic owner of a native handle.
//
// Move-only; a moved-from owner is empty; the destructor is noexcept and does nothing when empty. The deleter
// carries what destroying needs (the VkDevice, nothing for CUDA handles) and is called as `deleter(handle)`.
// A deleter whose empty handle is not `Handle{}` declares `static constexpr Handle kNull` (file descriptors: -1).

#include <type_traits>
#include <utility>

namespace cuvk::core {

template <class Handle, class Deleter> class Unique {
public:
    static constexpr Handle null() noexcept {
        if constexpr (requires { Deleter::kNull; })
            return Deleter::kNull;
        else
            return Handle{};
    }

    Unique() noexcept = default;
    Unique(Handle handle, Deleter deleter) noexcept : handle_(handle), deleter_(std::move(deleter)) {}
    explicit Unique(Handle handle) noexcept requires std::is_default_constructible_v<Deleter> : handle_(handle) {}

    Unique(const Unique&) = delete;
    Unique& operator=(const Unique&) = delete;
    Unique(Unique&& other) noexcept
        : handle_(std::exchange(other.handle_, null())), deleter_(std::move(other.deleter_)) {}
    Unique& operator=(Unique&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, null());
            deleter_ = std::move(other.deleter_);
        }
        return *this;
    }
    ~Unique() { reset(); }

    Handle get() const noexcept { return handle_; }
    const Deleter& deleter() const noexcept { return deleter_; }
    explicit operator bool() const noexcept { return handle_ != null(); }

    // Gives up ownership without destroying: the caller (or an API that took it over) owns the handle now.
    [[nodiscard]] Handle release() noexcept { return std::exchange(handle_, null()); }

    void reset() noexcept {
        if (handle_ != null())
            deleter_(std::exchange(handle_, null()));
    }

private:
    Handle handle_ = null();
    [[no_unique_address]] Deleter deleter_{};
};

} // namespace cuvk::core
