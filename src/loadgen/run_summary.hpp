#pragma once
// What one run measured, and the three ways hello_bench shows it: a table
// for people, JSON for scripts, and a progress line while it runs. Pure code.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/latency_histogram.hpp"
#include "protocol/framing.hpp"

namespace hello::loadgen {

// Every failure ends its connection and is counted by kind.
struct ErrorCounts {
    std::uint64_t connect = 0;   // refused, unreachable, no "Welcome!" in time
    std::uint64_t timeout = 0;   // a reply took longer than the reply timeout
    std::uint64_t closed = 0;    // the server hung up or reset mid-conversation
    std::uint64_t mismatch = 0;  // a reply that differs from the expected bytes

    std::uint64_t total() const { return connect + timeout + closed + mismatch; }
    ErrorCounts& operator+=(const ErrorCounts& other);
};

// What one thread did: its connections, its share of the open-loop rate,
// and how many latencies its histogram holds.
struct ThreadShare {
    std::size_t connections = 0;
    double rate = 0;  // messages per second; 0 in closed loop
    std::uint64_t replies = 0;
};

struct RunSummary {
    std::size_t connections_wanted = 0;
    std::size_t connections_made = 0;  // connected and greeted with "Welcome!"
    std::size_t threads = 1;
    protocol::Framing framing = protocol::Framing::raw;
    std::optional<std::uint64_t> rate;  // offered, in open loop; nullopt: closed loop
    std::size_t pipeline = 1;
    std::uint64_t unsent = 0;  // open loop: fell due, never sent (the connection was full)
    std::vector<ThreadShare> per_thread;
    std::uint64_t replies = 0;            // correct replies only
    std::chrono::nanoseconds elapsed{0};  // from the first message to the last reply
    // When the first message went, on the steady clock (CLOCK_MONOTONIC on
    // Linux, Python's time.monotonic()): lets a script measure the server over
    // exactly the window hello_bench measured.
    std::chrono::nanoseconds started{0};
    // Nanoseconds to the whole reply, from the send (closed loop) or from when
    // the message was due (open loop); with --reconnect, to the end of a whole
    // session, from its connect() or from when it was due.
    LatencyHistogram latency;
    ErrorCounts errors;
    // --reconnect: every connection replays the tutorial's session, `names`
    // names each; `sessions` ended with the server's end of stream, every
    // byte as expected. The connect time runs from connect() to the whole
    // "Welcome!".
    bool reconnect = false;
    std::size_t names = 0;
    std::uint64_t sessions = 0;
    LatencyHistogram connect_latency;

    double replies_per_second() const;
    double sessions_per_second() const;
};

std::string format_table(const RunSummary& summary);

// A latency in the unit that reads best, with four significant digits at
// most: "757.8us", "12.06ms", "1.573s".
std::string format_latency(double nanoseconds);
// One JSON object on one line; latencies in microseconds, times in seconds.
std::string format_json(const RunSummary& summary);

// What the progress line shows, one second at a time.
struct Progress {
    std::size_t connected = 0;
    std::size_t wanted = 0;
    bool running = false;    // conversing, after connecting
    bool reconnect = false;  // `replies` then counts sessions
    std::uint64_t replies = 0;
    std::uint64_t errors = 0;
    std::chrono::nanoseconds elapsed{0};
    std::optional<std::uint64_t> rate;        // asked for, open loop
    double recent_rate = 0;                   // replies per second over the last period
    std::optional<std::uint64_t> recent_p99;  // nanoseconds, over the last period
};

// "connecting 5000/10000  0 errors", then
// "12.0s  1234567 replies  98765/s (asked 100000/s)  p99 250.3us  0 errors".
std::string format_progress(const Progress& progress);

}  // namespace hello::loadgen
