#pragma once
// One client's conversation: the coroutine that replaces the tutorial's
// thread-per-client tcplink().

#include <chrono>
#include <cstddef>

#include "net/asio_compat.hpp"
#include "server/connections.hpp"

namespace hello::server {

struct SessionSettings {
    std::chrono::milliseconds delay{0};
    std::size_t max_message = 4096;
    std::chrono::milliseconds idle_timeout{300'000};
    bool log_connections = true;
    bool log_messages = false;
    bool proxy_protocol = false;                           // see proxy_handshake.hpp
    std::chrono::milliseconds proxy_header_timeout{5000};
};

// Serves one client until it says "exit", hangs up, misbehaves or the server
// shuts down. Never throws: whatever goes wrong ends this session only.
net::awaitable<void> serve_client(net::tcp::socket socket, const SessionSettings& settings,
                                  ConnectionRegistry& connections);

}  // namespace hello::server
