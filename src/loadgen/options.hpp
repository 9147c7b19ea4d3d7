#pragma once
// hello_bench's command line: what it accepts and what it means.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cli/command.hpp"
#include "protocol/framing.hpp"

namespace hello::loadgen {

struct BenchOptions {
    std::string host = "127.0.0.1";
    std::string port = "9999";
    std::size_t connections = 1;
    // Exactly one of these ends the run: a time limit, or a message count per
    // connection. Neither given means the duration below.
    std::chrono::milliseconds duration{10'000};
    std::optional<std::uint64_t> messages_per_connection;
    protocol::Framing framing = protocol::Framing::raw;
    std::size_t threads = 1;  // after parsing never 0: "0" means one per core
    // Send a PROXY protocol v1 header first, as a load balancer would, for a
    // server started with --proxy-protocol.
    bool proxy_v1 = false;
    // Open loop: this many messages per second across all connections, each
    // connection on its own evenly spaced schedule, latency counted from when
    // each message was due. Without it, closed loop: each connection sends
    // its next message when a reply arrives.
    std::optional<std::uint64_t> rate;
    // Messages in flight per connection (line framing only).
    std::size_t pipeline = 1;
    // Every connection plays the tutorial's client, over and over: connect,
    // "Welcome!", `names` names, "exit", the server's end of stream, close,
    // and the next session. -n then counts sessions per connection, --rate
    // sessions per second.
    bool reconnect = false;
    std::size_t names = 3;
    std::string latency_out;  // HdrHistogram percentile distribution; empty: none
    bool json = false;
};

struct BenchCommand {
    cli::Action action = cli::Action::run;
    BenchOptions options;
};

// Throws cli::UsageError on a bad command line. `cores` is what "--threads 0"
// turns into.
BenchCommand parse_bench_command(std::span<const std::string_view> arguments, std::size_t cores);

std::string bench_usage();

}  // namespace hello::loadgen
