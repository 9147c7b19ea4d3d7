#pragma once
// A TCP connection is named by (source address, source port, destination), so
// one source address gives at most ~28,000 connections to one server port
// (the ephemeral range 32768-60999). All of 127.0.0.0/8 is this machine, so
// past that, connections to 127.0.0.1 come from 127.0.0.2, 127.0.0.3, ...

#include <cstddef>
#include <cstdint>
#include <optional>

namespace hello::bench {

// Connections per source address, leaving room for other programs' ports.
inline constexpr std::size_t connections_per_source = 25'000;

// The last byte of the 127.0.0.X source address for connection `index`, or
// nullopt when `total` is small enough for the kernel's choice (127.0.0.1).
std::optional<std::uint8_t> loopback_source_octet(std::size_t index, std::size_t total);

}  // namespace hello::bench
