#include "ops/systemd_notify.hpp"

#include <fmt/format.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace hello::ops {

std::optional<std::variant<NotifyAddress, BadNotifySocket>> parse_notify_socket(
    std::optional<std::string_view> notify_socket)
{
    if (!notify_socket || notify_socket->empty()) {
        return std::nullopt;
    }
    const auto text = *notify_socket;
    constexpr auto room = sizeof(sockaddr_un{}.sun_path);
    if (text.front() != '/' && text.front() != '@') {
        return BadNotifySocket{
            fmt::format("NOTIFY_SOCKET '{}' is neither a path nor an @abstract name", text)};
    }
    if (text.size() == 1 && text.front() == '@') {
        return BadNotifySocket{"NOTIFY_SOCKET '@' names no socket"};
    }
    // A path needs its terminating NUL; an abstract name has none.
    if (text.size() + (text.front() == '/' ? 1 : 0) > room) {
        return BadNotifySocket{
            fmt::format("NOTIFY_SOCKET is longer than a socket address allows ({} bytes)", room)};
    }
    std::string sun_path(text);
    if (sun_path.front() == '@') {
        sun_path.front() = '\0';
    }
    return NotifyAddress{std::move(sun_path)};
}

SystemdNotifier SystemdNotifier::from_environment()
{
    const char* variable = std::getenv("NOTIFY_SOCKET");
    const auto parsed =
        parse_notify_socket(variable ? std::optional<std::string_view>(variable) : std::nullopt);
    if (!parsed) {
        return {};
    }
    if (const auto* bad = std::get_if<BadNotifySocket>(&*parsed)) {
        throw std::runtime_error("systemd notification: " + bad->reason);
    }
    return SystemdNotifier(std::get<NotifyAddress>(*parsed));
}

SystemdNotifier::SystemdNotifier(NotifyAddress address)
    : fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)), address_(std::move(address))
{
    if (fd_ < 0) {
        throw std::system_error(errno, std::generic_category(),
                                "systemd notification: cannot create a socket");
    }
}

SystemdNotifier::SystemdNotifier(SystemdNotifier&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), address_(std::move(other.address_))
{
}

SystemdNotifier::~SystemdNotifier()
{
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void SystemdNotifier::notify(std::string_view state) const
{
    if (fd_ < 0) {
        return;
    }
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, address_.sun_path.data(), address_.sun_path.size());
    const auto length =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.sun_path.size() +
                               (address_.sun_path.front() == '/' ? 1 : 0));
    // systemd takes what it can; a lost status line is not worth an error.
    (void)::sendto(fd_, state.data(), state.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                   reinterpret_cast<const sockaddr*>(&address), length);
}

}  // namespace hello::ops
