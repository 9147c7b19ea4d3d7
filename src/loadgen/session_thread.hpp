#pragma once
// One load-generating thread for --reconnect: each of its connections plays
// the tutorial's client over and over (connect, "Welcome!", the names, "exit",
// the server's end of stream, close) from a plain level-triggered epoll loop,
// connecting with non-blocking connect() in the same loop: with a session a
// few hundred microseconds long, connecting is the workload, not a phase
// before it. One send and one recv per step, nothing allocated.

#include <sys/epoll.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/latency_histogram.hpp"
#include "loadgen/load_thread.hpp"
#include "loadgen/run_summary.hpp"
#include "loadgen/session_script.hpp"

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
    void prepare_conversations();
    // Returns once every connection's last session has ended. `start` is the
    // same for every thread: the open-loop schedule counts from it.
    void converse_all(Clock::time_point start);

    // For the progress line: safe from any thread at any time.
    std::size_t connected() const { return greeted_.load(std::memory_order_relaxed); }
    std::uint64_t replies() const { return replies_.load(std::memory_order_relaxed); }
    std::uint64_t progress_count() const { return sessions_.load(std::memory_order_relaxed); }
    std::uint64_t error_count() const { return error_count_.load(std::memory_order_relaxed); }
    bool conversing() const { return conversing_.load(std::memory_order_relaxed); }
    void add_live_latency(std::vector<std::uint64_t>& totals) const;

    // Once converse_all() has returned.
    std::uint64_t sessions() const { return sessions_.load(std::memory_order_relaxed); }
    const LatencyHistogram& latency() const { return latency_; }
    const LatencyHistogram& connect_latency() const { return connect_latency_; }
    const ErrorCounts& errors() const { return errors_; }
    const std::vector<std::string>& error_samples() const { return error_samples_; }
    // Open loop: sessions that fell due but had not begun when the run ended,
    // because their connection's session before them had not ended.
    std::uint64_t unsent() const { return unsent_; }
    Clock::time_point started() const { return started_; }
    Clock::time_point finished() const { return finished_; }

private:
    enum class ErrorKind { connect, timeout, closed, mismatch };

    struct Slot {
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

    void begin_session(Slot& slot, Clock::time_point now, Clock::time_point counted_from);
    void on_readable(Slot& slot);
    void end_session(Slot& slot, Clock::time_point now);
    void next_session(Slot& slot, Clock::time_point now);
    void finish(Slot& slot);
    void release_due(Clock::time_point now);
    void end_schedule();
    Clock::time_point due_time(const Slot& slot, std::uint64_t session) const;
    void close_stalled(Clock::time_point now);
    [[gnu::cold, gnu::noinline]] void fail_to_receive(Slot& slot, ssize_t got);
    [[gnu::cold, gnu::noinline]] void fail_mismatch(Slot& slot);
    void fail(Slot& slot, ErrorKind kind, std::string_view what);
    void close_session(Slot& slot);

    static constexpr std::uint64_t no_limit = UINT64_MAX;

    const LoadPlan& plan_;
    const SessionScript script_;
    const bool open_loop_;
    const std::uint64_t session_limit_;  // per connection; no_limit: a time limit
    const bool spread_sources_;
    std::vector<Slot> slots_;
    std::size_t active_ = 0;  // slots not finished
    int epoll_ = -1;
    std::uint64_t next_source_ = 0;
    Clock::time_point started_;
    Clock::time_point finished_;
    Clock::time_point deadline_;
    std::uint64_t round_ = 0;
    std::size_t cursor_ = 0;
    Clock::time_point next_due_ = Clock::time_point::max();
    bool schedule_over_ = false;
    std::uint64_t unsent_ = 0;

    LatencyHistogram latency_;
    LatencyHistogram connect_latency_;
    std::vector<std::atomic<std::uint64_t>> live_latency_;
    ErrorCounts errors_;
    std::vector<std::string> error_samples_;
    std::atomic<std::size_t> greeted_{0};
    std::atomic<std::uint64_t> replies_{0};
    std::atomic<std::uint64_t> sessions_{0};
    std::atomic<std::uint64_t> error_count_{0};
    std::atomic<bool> conversing_{false};
};

}  // namespace hello::loadgen
