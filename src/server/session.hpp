#pragma once
// One client's conversation: the coroutine that replaces the tutorial's
// thread-per-client tcplink().

#include "net/asio_compat.hpp"
#include "server/connection_limit.hpp"

namespace hello::server {

struct SessionContext;

// Serves one client until it says "exit", hangs up, misbehaves, stays idle
// too long or the server shuts down; `slot` is its place among
// --max-connections. Never throws: whatever goes wrong ends this session only.
net::awaitable<void> serve_client(net::tcp::socket socket, ConnectionSlot slot,
                                  SessionContext& context);

}  // namespace hello::server
