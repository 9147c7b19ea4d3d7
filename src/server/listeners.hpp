#pragma once
// The listening sockets: one per worker thread, all on the same address.

#include <vector>

#include "net/asio_compat.hpp"
#include "server/options.hpp"

namespace hello::server {

// One listening socket on each io_context, for the address the options name
// (or the socket systemd passed in). Several sockets share the port with
// SO_REUSEPORT, so the kernel spreads new connections over the threads.
// Throws std::system_error (or std::runtime_error) naming what failed.
std::vector<net::tcp::acceptor> open_listeners(std::vector<asio::io_context*> contexts,
                                               const ServerOptions& options);

}  // namespace hello::server
