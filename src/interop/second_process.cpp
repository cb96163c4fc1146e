#include "second_process.hpp"

#include "cuvk/core/error.hpp"
#include "cuvk/interop/conformance.hpp"
#include "cuvk/interop/exported_memory.hpp"
#include "cuvk/interop/extensions.hpp"
#include "cuvk/interop/vulkan_import.hpp"

#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace cuvk::interop {
namespace detail {
namespace {

void send_fd(int socket, int fd, const ImportRequest& request) {
    iovec iov{const_cast<ImportRequest*>(&request), sizeof request};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (fd >= 0) {
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS; // the kernel installs a copy of the fd in the receiver
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    if (::sendmsg(socket, &msg, MSG_NOSIGNAL) != ssize_t(sizeof request))
        core::fail_errno(errno, "sendmsg", "passing an exported fd to the second process");
}

core::UniqueFd receive_fd(int socket, ImportRequest& request) {
    iovec iov{&request, sizeof request};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC) != ssize_t(sizeof request))
        core::fail_errno(errno, "recvmsg", "receiving an fd from the first process");
    const cmsghdr* c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS)
        return core::UniqueFd();
    int fd = -1;
    std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return core::UniqueFd(fd);
}

// Spawns `child_command --import-child 3` with one end of a socket pair as fd 3, sends it `request` (and `fd`, when
// given) and returns its answer; the child is always reaped.
} // namespace

std::string ask_second_process(const std::string& child_command, const ImportRequest& request, int fd) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
        core::fail_errno(errno, "socketpair", "a socket to the second process");
    core::UniqueFd mine(pair[0]), theirs(pair[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, theirs.get(), 3); // dup2 leaves fd 3 without close-on-exec
    std::string arg0 = child_command, flag = "--import-child", number = "3";
    char* argv[] = {arg0.data(), flag.data(), number.data(), nullptr};
    pid_t pid = -1;
    const int spawned = ::posix_spawn(&pid, child_command.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        core::fail_errno(spawned, "posix_spawn", "starting the second process", child_command);
    theirs.reset();
    struct Reap { // never leave the child behind, whatever happens below
        pid_t pid;
        ~Reap() {
            if (pid > 0) {
                int status = 0;
                ::kill(pid, SIGKILL);
                ::waitpid(pid, &status, 0);
            }
        }
    } reap{pid};
    send_fd(mine.get(), fd, request);
    pollfd p{mine.get(), POLLIN, 0};
    if (::poll(&p, 1, 60'000) <= 0)
        return "no answer within 60 s";
    char answer[512]{};
    const ssize_t n = ::read(mine.get(), answer, sizeof answer - 1);
    int status = 0;
    ::waitpid(pid, &status, 0);
    reap.pid = -1;
    if (n <= 0)
        return "closed the socket without an answer (exit status " + std::to_string(status) + ")";
    return std::string(answer, std::size_t(n));
}

namespace {

// In the second process: a Vulkan import of an fd that is not exported memory (invalid usage: what follows is up to the
// driver), then a normal export and import in the same process. Answers "caught: <error>; afterwards ...".
std::string vulkan_bad_import(const ImportRequest& request) {
    render::Uuid uuid;
    std::memcpy(uuid.data(), request.uuid, VK_UUID_SIZE);
    auto info = with_interop_extensions({.app_name = "cuvk-stress child", .validation = render::Validation::off});
    info.device = render::to_hex(uuid);
    info.log = [](core::LogLevel, std::string_view) {};
    const auto ctx = render::Context::create(info);
    std::string out;
    try {
        (void)import_buffer(*ctx, core::UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC)),
                            {.size = 65536, .name = "fault.not-memory"});
        return "accepted without an error";
    } catch (const core::Error& e) {
        out = "caught: " + e.message();
    }
    try {
        const auto buffer = ExportedBuffer::create(*ctx, {.size = 65536, .name = "fault.after"});
        (void)import_buffer(*ctx, buffer.export_fd(), {.size = 65536, .name = "fault.after"});
        out += "; that process exported and imported normally afterwards";
    } catch (const core::Error& e) {
        out += "; afterwards that process could not allocate (" + e.message() + ")";
    }
    return out;
}

} // namespace
} // namespace detail

int serve_import_child(int socket) {
    auto answer = [&](const std::string& text) {
        (void)!::write(socket, text.data(), std::min<std::size_t>(text.size(), 500));
        return 0;
    };
    try {
        detail::ImportRequest request;
        core::UniqueFd fd = detail::receive_fd(socket, request);
        switch (request.check) {
        case detail::ChildCheck::import_fd:
            return answer(fd ? detail::child_cuda_import(std::move(fd), request) : "the message carried no fd");
        case detail::ChildCheck::backwards_timeline:
            return answer(detail::child_backwards_timeline(request));
        case detail::ChildCheck::vulkan_bad_import:
            return answer(detail::vulkan_bad_import(request));
        }
        return answer("unknown request");
    } catch (const std::exception& e) {
        (void)answer(e.what());
        return 1;
    }
}

} // namespace cuvk::interop
