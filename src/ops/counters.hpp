#pragma once
// What the server counts for /metrics and SIGUSR1: one WorkerCounters per
// worker thread, written only by that thread, read by the control thread when
// someone asks. Summing happens at scrape time, never on the message path.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "protocol/close_reason.hpp"
#include "protocol/refusal.hpp"

namespace hello::ops {

using protocol::close_reason_count;
using protocol::CloseReason;
using protocol::Refusal;
using protocol::refusal_count;

// A counter with one writer. add() is a plain load and store (relaxed), not
// a locked read-modify-write: on x86 and ARM it costs what `n += x` costs,
// and another thread can still read it without a data race. Two threads
// adding to the same counter would lose counts: each worker has its own.
class SingleWriterCounter {
public:
    void add(std::uint64_t n = 1) noexcept
    {
        value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    std::uint64_t read() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

// One worker's counters. Aligned to its own cache lines so that the workers'
// writes never contend for one line (false sharing).
struct alignas(64) WorkerCounters {
    SingleWriterCounter accepted;
    std::array<SingleWriterCounter, refusal_count> rejected;  // indexed by Refusal
    SingleWriterCounter accept_errors;
    SingleWriterCounter messages;
    SingleWriterCounter received_bytes;
    SingleWriterCounter sent_bytes;
    std::array<SingleWriterCounter, close_reason_count> closed;  // indexed by CloseReason

    void count_close(CloseReason reason) noexcept
    {
        closed[static_cast<std::size_t>(reason)].add();
    }
    void count_refusal(Refusal refusal) noexcept
    {
        rejected[static_cast<std::size_t>(refusal)].add();
    }
};

// Every worker's counters added up, as plain numbers.
struct CountersSnapshot {
    std::uint64_t connections_open = 0;
    std::uint64_t accepted = 0;
    std::array<std::uint64_t, refusal_count> rejected{};
    std::uint64_t accept_errors = 0;
    std::uint64_t messages = 0;
    std::uint64_t received_bytes = 0;
    std::uint64_t sent_bytes = 0;
    std::array<std::uint64_t, close_reason_count> closed{};

    std::uint64_t closed_for(CloseReason reason) const
    {
        return closed[static_cast<std::size_t>(reason)];
    }
    std::uint64_t rejected_for(Refusal refusal) const
    {
        return rejected[static_cast<std::size_t>(refusal)];
    }
    // Every client turned away, whatever the limit.
    std::uint64_t rejected_total() const;
};

// Reads each counter once (relaxed): a scrape sees each value as it was at
// some moment during the scrape, which is all Prometheus asks of a counter.
CountersSnapshot sum_counters(std::span<const WorkerCounters> workers);

}  // namespace hello::ops
