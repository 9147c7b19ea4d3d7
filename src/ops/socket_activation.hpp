#pragma once
// systemd socket activation without libsystemd: when systemd (or anything
// speaking its protocol) opened the listening socket and passed it in as fd 3,
// serve on that one instead of binding our own. Connection attempts made
// while the server restarts wait in that socket's queue instead of being
// refused.

#include <optional>

#include "net/asio_compat.hpp"

namespace hello::ops {

// The listening socket passed in by systemd, or nullopt when none was (then
// --host and --port apply). Throws std::runtime_error when LISTEN_PID and
// LISTEN_FDS are meant for us but wrong, or fd 3 is not a listening TCP socket.
std::optional<net::tcp::acceptor> inherited_acceptor(asio::io_context& io);

}  // namespace hello::ops
