#pragma once
// A connection's way in, between the acceptor and its session: a place among
// --max-connections, the client's name (its address, or with
// --proxy-protocol the one the balancer's header names), then its session.
// A client past a limit is turned away instead (server/turn_away.hpp).

#include "net/asio_compat.hpp"

namespace hello::server {

struct SessionContext;

// Takes `socket`, just accepted from `peer`, to its session or its refusal.
// Never throws: what a session throws ends that session and is logged.
void admit(net::tcp::socket socket, const net::tcp::endpoint& peer, SessionContext& context);

}  // namespace hello::server
