#pragma once
// --proxy-protocol: behind a load balancer, every connection starts with a
// PROXY protocol header naming the real client (protocol/proxy_header.hpp).
// This takes it off the socket, with bounded size and time, before the
// conversation begins.

#include <chrono>
#include <optional>
#include <string>

#include "net/asio_compat.hpp"
#include "server/session_list.hpp"

namespace hello::server {

// A client as the server sees it: its address, and its name in the logs.
struct NamedClient {
    net::tcp::endpoint address;
    std::string name;  // "203.0.113.7:51234"
};

// Reads the header and returns the client it names: "203.0.113.7:51234", or
// the balancer's own address with a note when the header names no client (a
// health check). Only the header's bytes are taken
// off the socket: whatever the client sent right behind it is left there for
// the conversation, read as if no header had come first.
//
// `balancer` is the peer the connection was accepted from; `waiting` is the
// connection's place among the worker's sessions, so that a stop ends the
// wait. On a malformed, too long or late header (over
// `time_limit`), a peer that leaves first, or a stop: logs one line and
// returns nothing; the caller closes the connection.
net::awaitable<std::optional<NamedClient>> read_proxy_header(net::tcp::socket& socket,
                                                             const net::tcp::endpoint& balancer,
                                                             std::chrono::milliseconds time_limit,
                                                             const SessionList::Entry& waiting);

}  // namespace hello::server
