#include "ops/socket_activation.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "net/log.hpp"
#include "ops/listen_fds.hpp"

namespace hello::ops {
namespace {

std::optional<std::string_view> environment_variable(const char* name)
{
    const char* value = std::getenv(name);
    return value ? std::optional<std::string_view>(value) : std::nullopt;
}

int socket_option(int fd, int option)
{
    int value = 0;
    socklen_t size = sizeof value;
    return getsockopt(fd, SOL_SOCKET, option, &value, &size) == 0 ? value : -1;
}

// The protocol of a listening TCP socket, so that Asio can adopt it.
net::tcp protocol_of_listener(int fd)
{
    if (socket_option(fd, SO_TYPE) != SOCK_STREAM || socket_option(fd, SO_ACCEPTCONN) != 1) {
        throw std::runtime_error(fmt::format(
            "socket activation: fd {} is not a listening stream socket (check ListenStream= in the .socket unit)",
            fd));
    }
    switch (socket_option(fd, SO_DOMAIN)) {
    case AF_INET: return net::tcp::v4();
    case AF_INET6: return net::tcp::v6();
    default:
        throw std::runtime_error(
            fmt::format("socket activation: fd {} is not an IPv4 or IPv6 socket", fd));
    }
}

}  // namespace

std::optional<net::tcp::acceptor> inherited_acceptor(asio::io_context& io)
{
    const auto passed = parse_listen_fds(environment_variable("LISTEN_PID"),
                                         environment_variable("LISTEN_FDS"), getpid());
    // Like sd_listen_fds(1): the variables described this process only, so
    // nothing we might start later should see them.
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");

    if (const auto* bad = std::get_if<BadSocketActivation>(&passed)) {
        throw std::runtime_error(fmt::format("socket activation: {}", bad->reason));
    }
    const auto* sockets = std::get_if<SocketsPassed>(&passed);
    if (!sockets) {
        return std::nullopt;
    }
    if (sockets->count > 1) {
        net::log("systemd passed {} sockets; serving on the first one (fd {}).", sockets->count,
                 first_listen_fd);
    }
    const int fd = first_listen_fd;
    fcntl(fd, F_SETFD, FD_CLOEXEC);  // as sd_listen_fds() does
    net::tcp::acceptor acceptor(io);
    asio::error_code error;
    acceptor.assign(protocol_of_listener(fd), fd, error);
    if (error) {
        throw std::runtime_error(
            fmt::format("socket activation: cannot use fd {}: {}", fd, error.message()));
    }
    net::log("Using the listening socket passed by systemd (fd {}).", fd);
    return acceptor;
}

}  // namespace hello::ops
