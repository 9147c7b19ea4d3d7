#pragma once
// systemd's socket activation protocol, the environment half (see
// sd_listen_fds(3)): a service started for a socket unit finds its sockets
// already open as fds 3, 4, ..., announced by two variables. Pure code, so
// the rules are unit-tested without systemd; socket_activation.hpp takes the
// socket.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace hello::ops {

// SD_LISTEN_FDS_START: the first passed socket, right after stdin/out/err.
inline constexpr int first_listen_fd = 3;

struct NoSocketsPassed {};
struct SocketsPassed {
    int count = 0;  // fds first_listen_fd .. first_listen_fd + count - 1
};
struct BadSocketActivation {
    std::string reason;
};
using ListenFds = std::variant<NoSocketsPassed, SocketsPassed, BadSocketActivation>;

// What LISTEN_PID and LISTEN_FDS (nullopt when unset) say to process `pid`.
// LISTEN_PID must name this very process: the variables are inherited by
// children that were not meant to take the sockets.
ListenFds parse_listen_fds(std::optional<std::string_view> listen_pid,
                           std::optional<std::string_view> listen_fds, long pid);

}  // namespace hello::ops
