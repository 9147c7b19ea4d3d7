#pragma once
// How a client past one of the server's limits is turned away: one line that
// says why (protocol/refusal.hpp), then the lingering close, so that no reset
// destroys that line when the client has already spoken.

#include <cstddef>

#include "net/asio_compat.hpp"
#include "protocol/refusal.hpp"

namespace hello::server {

struct SessionContext;

// Counts the refusal, logs it (rate-limited; `count` is how many connections
// hold the limit, `client` the address the limit counts), sends the error
// line without waiting and lingers, at most
// max_lingering_refusals at once per worker: past that, the socket closes at
// once, so that a flood cannot take every descriptor.
net::awaitable<void> turn_away(net::tcp::socket socket, protocol::Refusal refusal,
                               std::size_t count, net::tcp::endpoint client,
                               SessionContext& context);

inline constexpr std::size_t max_lingering_refusals = 64;

}  // namespace hello::server
