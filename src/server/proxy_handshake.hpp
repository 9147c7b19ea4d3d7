#pragma once
// --proxy-protocol: behind a load balancer, every connection starts with a
// PROXY protocol header naming the real client (protocol/proxy_header.hpp).
// This reads it off the socket, with bounded size and time, before the
// conversation begins.

#include <chrono>
#include <optional>
#include <string>

#include "net/asio_compat.hpp"
#include "server/connections.hpp"

namespace hello::server {

struct ProxiedPeer {
    // The client as the logs name it: "203.0.113.7:51234", or the balancer's
    // own address with a note when the header names no client (a health check).
    std::string name;
    // What the client sent right behind the header, in the same read: the
    // conversation's first bytes.
    std::string early_bytes;
};

// Reads the header, counted among `connections` while it waits (so that
// --max-connections counts it and a shutdown ends the wait). On a malformed,
// too long or late header, a client that leaves first, or a shutdown: logs
// one line and returns nullopt; the caller closes the connection.
net::awaitable<std::optional<ProxiedPeer>> read_proxy_header(
    net::tcp::socket& socket, std::chrono::steady_clock::duration timeout,
    ConnectionRegistry& connections);

}  // namespace hello::server
