#pragma once
// Open loop: one thread's walk along its share of the schedule
// (schedule.hpp). The thread's connections are the run's connections
// `first`, `first + step`, `first + 2 * step`, ...; in each round every one
// of them has a message due, in that order, and the rounds follow each
// other, so the walk meets the thread's messages in the order they fall due
// by keeping only a position and a round. Pure code: the caller says what
// time it is.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "loadgen/schedule.hpp"

namespace hello::loadgen {

class Pacing {
public:
    using Clock = std::chrono::steady_clock;

    // `count` connections: the run's `first`, `first + step`, ... of
    // `total_connections`, sharing `rate` messages per second.
    Pacing(std::size_t first, std::size_t step, std::size_t count, std::size_t total_connections,
           std::uint64_t rate);

    // Starts the walk at `start`; no message falls due at `deadline` or later.
    void start(Clock::time_point start, Clock::time_point deadline);

    // When message `number` (counted from 0) of the run's connection `index`
    // is due.
    Clock::time_point due_time(std::size_t index, std::uint64_t number) const
    {
        return start_ + std::chrono::duration_cast<Clock::duration>(
                            due_after(number, index, total_connections_, rate_));
    }

    // Calls on_due(position) for each message that has fallen due by `now`,
    // in order, `position` counting the thread's connections from 0. Returns
    // true when the walk has just reached the deadline: the schedule is over,
    // and nothing falls due again.
    template <class OnDue>
    bool release_due(Clock::time_point now, OnDue&& on_due)
    {
        while (!over_ && next_due_ <= now) {
            if (next_due_ >= deadline_) {
                over_ = true;
                return true;
            }
            on_due(position_);
            if (++position_ == count_) {
                position_ = 0;
                ++round_;
            }
            next_due_ = due_time(first_ + position_ * step_, round_);
        }
        return false;
    }

    // When the next message falls due; nothing once the schedule is over.
    std::optional<Clock::time_point> next_due() const
    {
        return over_ ? std::nullopt : std::optional(next_due_);
    }
    bool over() const { return over_; }

private:
    const std::size_t first_;
    const std::size_t step_;
    const std::size_t count_;
    const std::size_t total_connections_;
    const std::uint64_t rate_;
    Clock::time_point start_;
    Clock::time_point deadline_ = Clock::time_point::max();
    // The next message due is round_'s, on the connection at position_.
    std::uint64_t round_ = 0;
    std::size_t position_ = 0;
    Clock::time_point next_due_ = Clock::time_point::max();
    bool over_ = false;
};

}  // namespace hello::loadgen
