#pragma once
// The acceptor coroutine: the tutorial's `while True: accept(); Thread(...)`,
// with a coroutine per client instead of a thread.

#include "net/asio_compat.hpp"

namespace hello::server {

struct SessionContext;

// Accepts clients on `acceptor` until it is closed, spawning serve_client()
// for each one that gets a --max-connections slot and turning the others away.
net::awaitable<void> accept_clients(net::tcp::acceptor& acceptor, SessionContext& context);

}  // namespace hello::server
