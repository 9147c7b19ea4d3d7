#pragma once
// How every connection the server ends is closed: without destroying what it
// still has to deliver.
//
// Closing a socket while input from the client waits unread (or arrives
// afterwards) makes the kernel reset the connection, and a reset throws away
// every byte of ours the client has not yet acknowledged: the replies before
// an "exit", an error line, the busy refusal. So, like nginx's lingering
// close: end our side (the client reads our bytes, then our end of stream),
// then read and discard what the client still sends until it closes too.
// Bounded, so that a client cannot hold its connection this way: the sweep
// closes a lingering session that sent nothing for SessionList::linger_quiet,
// and one that goes on sending is closed after linger_limit or
// linger_byte_limit discarded bytes, whichever comes first.

#include <chrono>
#include <cstddef>

#include "net/asio_compat.hpp"
#include "server/session_list.hpp"

namespace hello::server {

inline constexpr auto linger_limit = std::chrono::seconds(5);
// Discarding this much takes a client several round trips, because the
// receive window we advertise is small (server/listeners.cpp): by then one
// that reads has acknowledged all we wrote, and one that does not will not.
inline constexpr std::size_t linger_byte_limit = 256 * 1024;

struct SessionContext;

// Returns once the connection may be closed without a reset destroying
// anything (or once the bounds say it must be closed all the same): when the
// client has closed its side too, that is at once. `entry` is the
// connection's place in the worker's sessions.
net::awaitable<void> linger(net::tcp::socket& socket, SessionContext& context,
                            SessionList::Entry& entry);

}  // namespace hello::server
