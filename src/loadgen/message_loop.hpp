#pragma once
// A load thread's measured window: its greeted connections in a plain
// level-triggered epoll loop, one send and one recv per message (fewer when
// pipelined replies arrive together), nothing allocated, nothing posted. A
// generator must cost less per message than the server it measures, or it
// measures itself (docs/BENCHMARKS.md, "hello_bench").

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/epoll_set.hpp"
#include "loadgen/exchange.hpp"
#include "loadgen/load_plan.hpp"
#include "loadgen/pacing.hpp"
#include "loadgen/tally.hpp"

namespace hello::loadgen {

class MessageLoop {
public:
    // Takes connections thread_index, thread_index + threads, ... of the run.
    MessageLoop(const LoadPlan& plan, std::size_t thread_index);

    MessageLoop(const MessageLoop&) = delete;
    MessageLoop& operator=(const MessageLoop&) = delete;
    ~MessageLoop();

    // The run's indices of this loop's connections, in order.
    std::vector<std::size_t> indices() const;
    // The connections' descriptors, in the order of indices(), each greeted
    // and non-blocking (connect_phase.hpp), or -1 where connecting failed.
    void take(std::span<const int> descriptors);
    // Returns once every conversation has ended. `start` is the same for
    // every thread: the open-loop schedule counts from it.
    void converse_all(Clock::time_point start);

    // The thread's tally, kept here, where it is written for every message;
    // the connect phase counts into it too.
    Tally& tally() { return tally_; }
    const Tally& tally() const { return tally_; }

private:
    struct Connection {
        Connection(std::size_t index, Exchange exchange, std::size_t pipeline);

        int descriptor = -1;  // -1 once closed, or if it never connected
        std::size_t index;    // among all connections of the run
        Exchange exchange;
        // The request `pipeline` times over: any number of requests up to
        // the pipeline depth go in one send().
        std::string requests;
        // When the server last showed progress (a send with nothing in
        // flight, or a reply); the watchdog closes connections that wait
        // too long.
        Clock::time_point waiting_since = Clock::time_point::max();
        std::uint64_t sent = 0;
        std::uint64_t replies = 0;
        std::uint64_t due = 0;  // open loop: fallen due, not sent yet
        // When each message in flight started (its send, or in open loop
        // when it was due): a ring of `pipeline` places, the next send's and
        // the next reply's.
        std::vector<Clock::time_point> in_flight;
        std::size_t next_send = 0;
        std::size_t next_reply = 0;
        std::string_view expected;  // the next reply...
        std::size_t received = 0;   // ...and the bytes of replies in `buffer`
        std::array<char, 256> buffer{};
    };

    // Inlined into their callers: they run for every message.
    [[gnu::always_inline]] void send_requests(Connection& connection, std::uint64_t count,
                                              Clock::time_point now);
    [[gnu::always_inline]] void record_replies(Connection& connection, std::uint64_t count,
                                               Clock::time_point now);
    void send_more(Connection& connection, Clock::time_point now);
    // Open loop: when the connection's message `message` is due. Never
    // inlined, so that the closed loop's send_requests() stays as short.
    [[gnu::noinline]] Clock::time_point due_time(const Connection& connection,
                                                 std::uint64_t message) const;
    void on_readable(Connection& connection);
    std::uint64_t take_replies(Connection& connection);
    [[gnu::cold, gnu::noinline]] void fail_to_send(Connection& connection, ssize_t sent,
                                                   std::size_t size);
    [[gnu::cold, gnu::noinline]] void fail_to_receive(Connection& connection, ssize_t got);
    void say_goodbye(Connection& connection);
    void close_stalled(Clock::time_point now);
    // Open loop: marks every message due by `now` on its connection, and
    // ends the schedule at the deadline.
    void release_due(Clock::time_point now);
    void end_schedule();
    void fail(Connection& connection, ErrorKind kind, std::string_view what);
    void close(Connection& connection);

    static constexpr std::uint64_t no_limit = UINT64_MAX;

    const LoadPlan& plan_;
    Tally tally_;
    // The plan's choices the loop asks for every message, at hand.
    const bool open_loop_;
    const std::uint64_t pipeline_;
    const std::uint64_t message_limit_;  // per connection; no_limit: a time limit
    std::vector<Connection> connections_;
    std::size_t open_connections_ = 0;
    EpollSet epoll_;
    Clock::time_point deadline_;
    std::optional<Pacing> pacing_;  // open loop only
};

}  // namespace hello::loadgen
