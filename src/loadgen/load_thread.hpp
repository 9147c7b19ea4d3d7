#pragma once
// One load-generating thread and its share of the connections. It connects
// them in waves with Asio coroutines on its own io_context (no locks, no
// sharing), then takes their descriptors and drives them from a plain
// level-triggered epoll loop: one send and one recv per message (fewer when
// pipelined replies arrive together), nothing allocated, nothing posted. A generator must cost less
// per message than the server it measures, or it measures itself (docs/BENCHMARKS.md: one Asio
// coroutine per connection could not keep a hand-written epoll server busy).

#include <sys/epoll.h>

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

namespace hello::loadgen {

using Clock = std::chrono::steady_clock;

// What every worker is told, the same for all.
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
};

class LoadThread {
public:
    // Takes connections thread_index, thread_index + threads, ...
    LoadThread(const LoadPlan& plan, std::size_t thread_index);

    LoadThread(const LoadThread&) = delete;
    LoadThread& operator=(const LoadThread&) = delete;
    ~LoadThread();

    // Returns once every connection of this worker is greeted or has failed.
    // Rethrows what escaped a coroutine (a bug or an exhausted resource, not
    // a network error).
    void connect_all();
    // Takes the connected sockets from Asio into this thread's epoll set.
    void prepare_conversations();
    // Returns once every conversation has ended. `start` is the same for
    // every thread: the open-loop schedule counts from it.
    void converse_all(Clock::time_point start);

    // For the progress line: safe from any thread at any time.
    std::size_t connected() const { return connected_.load(std::memory_order_relaxed); }
    std::uint64_t replies() const { return replies_.load(std::memory_order_relaxed); }
    std::uint64_t progress_count() const { return replies(); }
    std::uint64_t error_count() const { return error_count_.load(std::memory_order_relaxed); }
    bool conversing() const { return conversing_.load(std::memory_order_relaxed); }
    // Adds this thread's latency counts so far to `totals` (one per counter
    // of LatencyHistogram); all zero unless the plan asked for live_latency.
    void add_live_latency(std::vector<std::uint64_t>& totals) const;

    // Once converse_all() has returned.
    const LatencyHistogram& latency() const { return latency_; }
    const ErrorCounts& errors() const { return errors_; }
    const std::vector<std::string>& error_samples() const { return error_samples_; }
    // Open loop: messages that fell due but had not gone when the run ended,
    // because their connection still had `pipeline` replies to wait for.
    std::uint64_t unsent() const { return unsent_; }
    Clock::time_point started() const { return started_; }
    Clock::time_point finished() const { return finished_; }

private:
    enum class ErrorKind { connect, timeout, closed, mismatch };

    struct Failure {
        ErrorKind kind;
        std::string what;
    };

    struct Connection {
        Connection(asio::io_context& io, std::size_t index, Exchange exchange,
                   std::size_t pipeline);

        net::tcp::socket socket;  // while connecting
        int descriptor = -1;      // while conversing: taken from `socket`
        std::size_t index;
        Exchange exchange;
        // The request `pipeline` times over: any number of requests up to
        // the pipeline depth go in one send().
        std::string requests;
        // When the server last showed progress (a send with nothing in
        // flight, or a reply); the watchdog closes connections that wait
        // too long.
        Clock::time_point waiting_since = Clock::time_point::max();
        bool timed_out = false;
        std::uint64_t sent = 0;
        std::uint64_t replies = 0;
        std::uint64_t due = 0;  // open loop: fallen due, not sent yet
        // When each message in flight started (its send, or in open loop
        // when it was due): a ring of `pipeline` slots, the next send's and
        // the next reply's.
        std::vector<Clock::time_point> in_flight;
        std::size_t send_slot = 0;
        std::size_t reply_slot = 0;
        std::string_view expected;  // the next reply...
        std::size_t received = 0;   // ...and the bytes of replies in `buffer`
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
    // Inlined into their callers: they run for every message.
    [[gnu::always_inline]] void send_requests(Connection& connection, std::uint64_t count,
                                              Clock::time_point now);
    void send_more(Connection& connection, Clock::time_point now);
    void on_readable(Connection& connection);
    std::uint64_t take_replies(Connection& connection);
    [[gnu::cold, gnu::noinline]] void fail_to_send(Connection& connection, ssize_t sent,
                                                   std::size_t size);
    [[gnu::cold, gnu::noinline]] void fail_to_receive(Connection& connection, ssize_t got);
    [[gnu::always_inline]] void record_replies(Connection& connection, std::uint64_t count,
                                               Clock::time_point now);
    void say_goodbye(Connection& connection);
    void close_stalled(Clock::time_point now);
    Clock::time_point due_time(const Connection& connection, std::uint64_t message) const;
    // Open loop: marks every message due by `now` on its connection, and
    // ends the schedule at the deadline.
    void release_due(Clock::time_point now);
    void end_schedule();

    void fail(Connection& connection, ErrorKind kind, std::string_view what);
    void close(Connection& connection);

    static constexpr std::uint64_t no_limit = UINT64_MAX;

    const LoadPlan& plan_;
    // The plan's choices the loop asks for every message, at hand.
    const bool open_loop_;
    const std::uint64_t pipeline_;
    const std::uint64_t message_limit_;  // per connection; no_limit: a time limit
    asio::io_context io_{1};
    std::vector<Connection> connections_;
    std::size_t next_to_connect_ = 0;
    std::size_t running_ = 0;                 // coroutines of the connecting phase still running
    std::size_t conversing_connections_ = 0;  // still open in the conversing phase
    int epoll_ = -1;
    asio::steady_timer watchdog_timer_{io_};
    std::exception_ptr failure_;
    Clock::time_point started_;
    Clock::time_point finished_;
    Clock::time_point deadline_;
    // Open loop: the next message due is round_'s, on connections_[cursor_].
    std::uint64_t round_ = 0;
    std::size_t cursor_ = 0;
    Clock::time_point next_due_ = Clock::time_point::max();
    bool schedule_over_ = false;
    std::uint64_t unsent_ = 0;

    LatencyHistogram latency_;
    // Written by this thread only (relaxed load and store, no locked
    // increment), read by the progress line.
    std::vector<std::atomic<std::uint64_t>> live_latency_;
    ErrorCounts errors_;
    std::vector<std::string> error_samples_;
    std::atomic<std::size_t> connected_{0};
    std::atomic<std::uint64_t> replies_{0};
    std::atomic<std::uint64_t> error_count_{0};
    std::atomic<bool> conversing_{false};
};

}  // namespace hello::loadgen
