#pragma once
// What one load thread counts while it runs: latencies, replies, sessions,
// errors by kind and the first few of them in words, and the measured
// window. Its connect phase and its conversations write it; the progress line
// reads the counters from another thread at any time, and the run adds up
// the rest once the thread is done.

#include <atomic>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "loadgen/latency_histogram.hpp"
#include "loadgen/load_plan.hpp"
#include "loadgen/run_summary.hpp"

namespace hello::loadgen {

enum class ErrorKind { connect, timeout, closed, mismatch };

class Tally {
public:
    // `live_latency`: also keep latency counts the progress line can read.
    explicit Tally(bool live_latency);

    // Written by the thread's own loop only, so each count is a relaxed load
    // and store, not a locked increment.
    void record_latency(std::uint64_t nanoseconds)
    {
        latency_.record(nanoseconds);
        if (!live_latency_.empty()) {
            add(live_latency_[LatencyHistogram::counter_of(nanoseconds)], 1);
        }
    }
    void record_connect_latency(std::uint64_t nanoseconds) { connect_latency_.record(nanoseconds); }
    void add_connected() { add(connected_, 1); }
    void add_replies(std::uint64_t count) { add(replies_, count); }
    void add_session() { add(sessions_, 1); }
    void add_unsent(std::uint64_t count) { unsent_ += count; }
    // `sample` says which connection and what happened; the first few are kept.
    void record_error(ErrorKind kind, std::string sample);

    // The measured window: the same `start` for every thread.
    void begin_window(Clock::time_point start);
    void end_window() { finished_ = Clock::now(); }

    // For the progress line: safe from any thread at any time.
    std::size_t connected() const { return connected_.load(std::memory_order_relaxed); }
    std::uint64_t replies() const { return replies_.load(std::memory_order_relaxed); }
    std::uint64_t sessions() const { return sessions_.load(std::memory_order_relaxed); }
    std::uint64_t error_count() const { return error_count_.load(std::memory_order_relaxed); }
    bool conversing() const { return conversing_.load(std::memory_order_relaxed); }
    // Adds the latency counts so far to `totals` (one per counter of
    // LatencyHistogram); all zero unless live_latency was asked for.
    void add_live_latency(std::vector<std::uint64_t>& totals) const;

    // Once the thread is done.
    const LatencyHistogram& latency() const { return latency_; }
    const LatencyHistogram& connect_latency() const { return connect_latency_; }
    const ErrorCounts& errors() const { return errors_; }
    const std::vector<std::string>& error_samples() const { return error_samples_; }
    // Open loop: messages (or sessions) that fell due but had not gone when
    // the run ended, because their connection was still busy.
    std::uint64_t unsent() const { return unsent_; }
    Clock::time_point started() const { return started_; }
    Clock::time_point finished() const { return finished_; }

private:
    template <class Count>
    static void add(std::atomic<Count>& counter, std::type_identity_t<Count> count)
    {
        counter.store(counter.load(std::memory_order_relaxed) + count, std::memory_order_relaxed);
    }

    LatencyHistogram latency_;
    LatencyHistogram connect_latency_;  // --reconnect: connect() to the whole greeting
    std::vector<std::atomic<std::uint64_t>> live_latency_;
    ErrorCounts errors_;
    std::vector<std::string> error_samples_;
    std::uint64_t unsent_ = 0;
    Clock::time_point started_;
    Clock::time_point finished_;
    std::atomic<std::size_t> connected_{0};
    std::atomic<std::uint64_t> replies_{0};
    std::atomic<std::uint64_t> sessions_{0};
    std::atomic<std::uint64_t> error_count_{0};
    std::atomic<bool> conversing_{false};
};

}  // namespace hello::loadgen
