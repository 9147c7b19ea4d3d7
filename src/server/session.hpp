#pragma once
// One client's conversation: the coroutine that replaces the tutorial's
// thread-per-client tcplink().

#include <string>

#include "net/asio_compat.hpp"
#include "server/connection_limit.hpp"

namespace hello::server {

struct SessionContext;

// What a session holds for its whole life, from its admission
// (server/admission.hpp).
struct Admission {
    ConnectionSlot slot;  // its place among --max-connections (and its address's)
    std::string client;   // how the logs name the client ("" with --quiet)
};

// Serves one client until it says "exit", hangs up, misbehaves, stays idle
// too long or the server stops; `admission` is its place among
// --max-connections and its name. Never throws: whatever goes wrong ends
// this session only.
net::awaitable<void> serve_client(net::tcp::socket socket, Admission admission,
                                  SessionContext& context);

}  // namespace hello::server
