#pragma once
// One load-generating thread and its share of the connections. It connects
// them in waves with Asio coroutines on its own io_context (no locks, no
// sharing), then takes their descriptors and drives them from a plain
// level-triggered epoll loop: one send and one recv per message, nothing
// allocated, nothing posted. A generator must cost less per message than the
// server it measures, or it measures itself (docs/BENCHMARKS.md: one Asio
// coroutine per connection could not keep a hand-written epoll server busy).

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/exchange.hpp"
#include "loadgen/latency_histogram.hpp"
#include "loadgen/run_summary.hpp"
#include "net/asio_compat.hpp"

namespace hello::bench {

using Clock = std::chrono::steady_clock;

// What every worker is told, the same for all.
struct LoadPlan {
    net::tcp::endpoint server;
    std::size_t total_connections = 1;
    std::size_t threads = 1;
    protocol::Framing framing = protocol::Framing::raw;
    std::optional<std::uint64_t> messages_per_connection;  // nullopt: run for `duration`
    std::chrono::milliseconds duration{10'000};
    bool proxy_v1 = false;  // send a PROXY v1 header before anything else
};

class LoadThread {
public:
    // Takes connections thread_index, thread_index + threads, ...
    LoadThread(const LoadPlan& plan, std::size_t thread_index);

    // Returns once every connection of this worker is greeted or has failed.
    void connect_all();
    // Returns once every conversation has ended. Both rethrow what escaped a
    // coroutine (a bug or an exhausted resource, not a network error).
    void converse_all();

    // For the progress line: safe from any thread at any time.
    std::size_t connected() const { return connected_.load(std::memory_order_relaxed); }
    std::uint64_t replies() const { return replies_.load(std::memory_order_relaxed); }
    std::uint64_t error_count() const { return error_count_.load(std::memory_order_relaxed); }
    bool conversing() const { return conversing_.load(std::memory_order_relaxed); }

    // Once converse_all() has returned.
    const LatencyHistogram& latency() const { return latency_; }
    const ErrorCounts& errors() const { return errors_; }
    const std::vector<std::string>& error_samples() const { return error_samples_; }
    Clock::time_point started() const { return started_; }
    Clock::time_point finished() const { return finished_; }

private:
    enum class ErrorKind { connect, timeout, closed, mismatch };

    struct Failure {
        ErrorKind kind;
        std::string what;
    };

    struct Connection {
        Connection(asio::io_context& io, std::size_t index, Exchange exchange);

        net::tcp::socket socket;  // while connecting
        int descriptor = -1;      // while conversing: taken from `socket`
        std::size_t index;
        Exchange exchange;
        // When the server was last asked for something still awaited; the
        // watchdog closes connections that wait too long.
        Clock::time_point waiting_since = Clock::time_point::max();
        bool timed_out = false;
        std::uint64_t replies = 0;
        std::string_view expected;  // the reply being received...
        std::size_t received = 0;   // ...and how much of it is in `buffer`
        std::array<char, 256> buffer{};
    };

    // Connecting: Asio coroutines.
    net::awaitable<void> connect_next();
    net::awaitable<void> connect(Connection& connection);
    net::awaitable<std::optional<Failure>> receive(Connection& connection,
                                                   std::string_view expected);
    net::awaitable<void> watch_for_stalls();
    void open(Connection& connection, asio::error_code& error);
    void one_done();
    void run_until_all_done(std::size_t coroutines);

    // Conversing: the epoll loop.
    void send_request(Connection& connection, Clock::time_point now);
    void on_readable(Connection& connection);
    void say_goodbye(Connection& connection);
    void close_stalled(Clock::time_point now);
    bool keep_sending(std::uint64_t sent, Clock::time_point now) const;

    void fail(Connection& connection, ErrorKind kind, std::string_view what);
    void close(Connection& connection);

    const LoadPlan& plan_;
    asio::io_context io_{1};
    std::vector<Connection> connections_;
    std::size_t next_to_connect_ = 0;
    std::size_t running_ = 0;                 // coroutines of the connecting phase still running
    std::size_t conversing_connections_ = 0;  // still open in the conversing phase
    asio::steady_timer watchdog_timer_{io_};
    std::exception_ptr failure_;
    Clock::time_point started_;
    Clock::time_point finished_;
    Clock::time_point deadline_;

    LatencyHistogram latency_;
    ErrorCounts errors_;
    std::vector<std::string> error_samples_;
    std::atomic<std::size_t> connected_{0};
    std::atomic<std::uint64_t> replies_{0};
    std::atomic<std::uint64_t> error_count_{0};
    std::atomic<bool> conversing_{false};
};

}  // namespace hello::bench
