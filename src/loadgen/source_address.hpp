#pragma once
// A TCP connection is named by (source address, source port, destination), so
// one source address gives at most ~28,000 connections to one server port
// (the ephemeral range 32768-60999). All of 127.0.0.0/8 is this machine, so
// past that, connections to 127.0.0.1 come from 127.0.0.2, 127.0.0.3, ...

#include <cstddef>
#include <cstdint>
#include <optional>

namespace hello::loadgen {

// Connections per source address, leaving room for other programs' ports.
inline constexpr std::size_t connections_per_source = 25'000;

// The last byte of the 127.0.0.X source address for connection `index`, or
// nullopt when `total` is small enough for the kernel's choice (127.0.0.1).
std::optional<std::uint8_t> loopback_source_octet(std::size_t index, std::size_t total);

// Reconnecting sessions: the server closes first (it shuts down its side
// after "exit"), so it keeps each closed connection for a minute (TIME_WAIT)
// under its (source, port, destination). At thousands of sessions a second
// one source address would reuse its ports within seconds, and every new
// connection would have to be let through an old one's TIME_WAIT. So a
// thread's sessions take 127.0.0.1, 127.0.0.2, ... 127.0.0.254 in turn:
// session `number` (counted from 0) gets the last byte of its source address.
std::uint8_t session_source_octet(std::uint64_t number);

}  // namespace hello::loadgen
