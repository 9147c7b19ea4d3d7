#pragma once
// One load-generating thread for --reconnect: each of its connections plays
// the tutorial's client over and over (connect, "Welcome!", the names, "exit",
// the server's end of stream, close) from a plain level-triggered epoll loop,
// connecting with non-blocking connect() in the same loop: with sessions this
// short (docs/BENCHMARKS.md, "Churn"), connecting is the workload, not a
// phase before it. One send and one recv per step, nothing allocated.

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "loadgen/epoll_set.hpp"
#include "loadgen/load_plan.hpp"
#include "loadgen/pacing.hpp"
#include "loadgen/session_script.hpp"
#include "loadgen/tally.hpp"

namespace hello::loadgen {

class SessionThread {
public:
    // Takes connections thread_index, thread_index + threads, ...
    SessionThread(const LoadPlan& plan, std::size_t thread_index);

    SessionThread(const SessionThread&) = delete;
    SessionThread& operator=(const SessionThread&) = delete;
    ~SessionThread();

    // Nothing to do before the run: every session connects inside it.
    void connect_all() {}
    // Returns once every connection's last session has ended. `start` is the
    // same for every thread: the open-loop schedule counts from it.
    void converse_all(Clock::time_point start);

    // Its connected() counts greetings, its unsent() sessions.
    const Tally& tally() const { return tally_; }

private:
    // One of the run's connections: a session at a time, each on a socket of
    // its own.
    struct Connection {
        std::size_t index = 0;  // among all connections of the run
        int descriptor = -1;    // the session's socket, while one runs
        bool finished = false;  // no more sessions on this connection
        std::uint64_t begun = 0;
        std::uint64_t due = 0;  // open loop: fallen due, not begun yet
        // 0: awaiting "Welcome!"; k: the reply to name k; names + 1: the end
        // of stream after "exit".
        std::size_t step = 0;
        std::string_view expected;
        std::size_t received = 0;
        Clock::time_point session_start;  // connect(), or when the session was due
        Clock::time_point connect_start;
        Clock::time_point waiting_since = Clock::time_point::max();
        std::array<char, 256> buffer{};
    };

    void begin_session(Connection& connection, Clock::time_point now,
                       Clock::time_point counted_from);
    void on_readable(Connection& connection);
    void end_session(Connection& connection, Clock::time_point now);
    void next_session(Connection& connection, Clock::time_point now);
    // Open loop: when the connection's next session is due. Never inlined,
    // so that next_session()'s path in closed loop saves no registers for it.
    [[gnu::noinline]] Clock::time_point due_time(const Connection& connection) const;
    void finish(Connection& connection);
    void release_due(Clock::time_point now);
    void end_schedule();
    void close_stalled(Clock::time_point now);
    [[gnu::cold, gnu::noinline]] void fail_to_receive(Connection& connection, ssize_t got);
    [[gnu::cold, gnu::noinline]] void fail_mismatch(Connection& connection);
    void fail(Connection& connection, ErrorKind kind, std::string_view what);
    void close_session(Connection& connection);

    static constexpr std::uint64_t no_limit = UINT64_MAX;

    const LoadPlan& plan_;
    const SessionScript script_;
    const bool open_loop_;
    const std::uint64_t session_limit_;  // per connection; no_limit: a time limit
    const bool spread_sources_;
    std::vector<Connection> connections_;
    std::size_t active_ = 0;  // connections not finished
    EpollSet epoll_;
    std::uint64_t next_source_ = 0;
    Clock::time_point deadline_;
    std::optional<Pacing> pacing_;  // open loop only
    Tally tally_;
};

}  // namespace hello::loadgen
