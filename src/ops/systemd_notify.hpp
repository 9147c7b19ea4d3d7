#pragma once
// systemd's readiness protocol without libsystemd (see sd_notify(3)): a
// service of Type=notify finds in NOTIFY_SOCKET the address of a datagram
// socket and sends it lines such as READY=1, STOPPING=1 and STATUS=...
// Like socket_activation.hpp, the rules are pure and unit-tested; the
// sending is one sendto(2) per message that never waits.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace hello::ops {

// Where NOTIFY_SOCKET points: a path ("/run/systemd/notify") or, written
// with a leading '@', a name in Linux's abstract namespace. `sun_path` is
// what goes into sockaddr_un, with the abstract name's leading NUL byte.
struct NotifyAddress {
    std::string sun_path;
};
struct BadNotifySocket {
    std::string reason;
};

// nullopt when NOTIFY_SOCKET is unset or empty (not started by systemd).
std::optional<std::variant<NotifyAddress, BadNotifySocket>> parse_notify_socket(
    std::optional<std::string_view> notify_socket);

// Sends state lines to the service manager, if there is one.
class SystemdNotifier {
public:
    // From NOTIFY_SOCKET; a notifier that sends nothing when it is unset.
    // Throws std::runtime_error when it is set but unusable.
    static SystemdNotifier from_environment();

    SystemdNotifier() = default;
    ~SystemdNotifier();
    SystemdNotifier(SystemdNotifier&& other) noexcept;
    SystemdNotifier& operator=(SystemdNotifier&&) = delete;
    SystemdNotifier(const SystemdNotifier&) = delete;
    SystemdNotifier& operator=(const SystemdNotifier&) = delete;

    bool active() const { return fd_ >= 0; }

    // One datagram, e.g. "READY=1" or "STATUS=3 connections". Never blocks:
    // a manager too busy to take it misses one status line, nothing more.
    void notify(std::string_view state) const;

private:
    explicit SystemdNotifier(NotifyAddress address);

    int fd_ = -1;
    NotifyAddress address_;
};

}  // namespace hello::ops
