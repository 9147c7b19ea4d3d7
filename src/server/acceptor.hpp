#pragma once
// The acceptor coroutine: the tutorial's `while True: accept(); Thread(...)`,
// with a coroutine per client instead of a thread.

#include "net/asio_compat.hpp"
#include "server/connections.hpp"
#include "server/session.hpp"

namespace hello::server {

// Accepts clients until the acceptor is closed, spawning serve_client() for
// each one while fewer than `max_connections` are connected.
net::awaitable<void> accept_clients(net::tcp::acceptor& acceptor, std::size_t max_connections,
                                    const SessionSettings& settings,
                                    ConnectionRegistry& connections);

}  // namespace hello::server
