#pragma once
// What one run measured, and the three ways hello_bench shows it: a table
// for people, JSON for scripts, and a progress line while it runs. Pure code.

#include <chrono>
#include <cstdint>
#include <string>

#include "loadgen/latency_histogram.hpp"
#include "protocol/framing.hpp"

namespace hello::bench {

// Every failure ends its connection and is counted by kind.
struct ErrorCounts {
    std::uint64_t connect = 0;   // refused, unreachable, no "Welcome!" in time
    std::uint64_t timeout = 0;   // a reply took longer than the reply timeout
    std::uint64_t closed = 0;    // the server hung up or reset mid-conversation
    std::uint64_t mismatch = 0;  // a reply that differs from the expected bytes

    std::uint64_t total() const { return connect + timeout + closed + mismatch; }
    ErrorCounts& operator+=(const ErrorCounts& other);
};

struct RunSummary {
    std::size_t connections_wanted = 0;
    std::size_t connections_made = 0;  // connected and greeted with "Welcome!"
    std::size_t threads = 1;
    protocol::Framing framing = protocol::Framing::raw;
    std::uint64_t replies = 0;            // correct replies only
    std::chrono::nanoseconds elapsed{0};  // from the first message to the last reply
    // When the first message went, on the steady clock (CLOCK_MONOTONIC on
    // Linux, Python's time.monotonic()): lets a script measure the server over
    // exactly the window hello_bench measured.
    std::chrono::nanoseconds started{0};
    LatencyHistogram latency;  // nanoseconds from send to whole reply
    ErrorCounts errors;

    double replies_per_second() const;
};

std::string format_table(const RunSummary& summary);
// One JSON object on one line; latencies in microseconds, times in seconds.
std::string format_json(const RunSummary& summary);
// "connecting 5000/10000" or "12.0s  1,234,567 replies  98,765/s  0 errors".
std::string format_progress(std::size_t connected, std::size_t wanted, bool running,
                            std::uint64_t replies, std::uint64_t errors,
                            std::chrono::nanoseconds elapsed);

}  // namespace hello::bench
