#pragma once
// What every load thread is told, the same for all, and the clock they all
// measure with.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "net/asio_compat.hpp"
#include "protocol/framing.hpp"

namespace hello::loadgen {

using Clock = std::chrono::steady_clock;

struct LoadPlan {
    net::tcp::endpoint server;
    std::size_t total_connections = 1;
    std::size_t threads = 1;
    protocol::Framing framing = protocol::Framing::raw;
    std::optional<std::uint64_t> messages_per_connection;  // nullopt: run for `duration`
    std::chrono::milliseconds duration{10'000};
    std::optional<std::uint64_t> rate;  // open loop: messages per second, all connections
    std::size_t pipeline = 1;           // messages in flight per connection
    bool proxy_v1 = false;              // send a PROXY v1 header before anything else
    bool live_latency = false;          // keep counts the progress line can read
    std::size_t names = 3;              // per session, with --reconnect (session_thread.hpp)

    // When the measured window that begins at `start` ends: `duration`
    // later, unless a message (or session) count ends it instead.
    Clock::time_point deadline_after(Clock::time_point start) const
    {
        return messages_per_connection ? Clock::time_point::max() : start + duration;
    }
};

// Connecting, the greeting and every reply (with --reconnect, every step of a
// session) must each take less than this.
inline constexpr auto reply_timeout = std::chrono::seconds(10);
// How often a thread's watchdog looks for connections that wait too long:
// one scan for all of them instead of a timer per operation, which would cost
// as much as the operation it guards.
inline constexpr auto watchdog_period = std::chrono::milliseconds(500);

}  // namespace hello::loadgen
