#pragma once
// The loop both kinds of load thread spend the measured window in: sleep
// until a connection is readable, the next scheduled message is due (open
// loop) or the watchdog's period is up; hand each readable connection to the
// thread; release what has fallen due; every watchdog period, let the thread
// close what waits too long. It runs until `open` (the thread's count of
// connections still conversing) is 0.

#include <cstddef>
#include <optional>

#include "loadgen/epoll_set.hpp"
#include "loadgen/load_plan.hpp"
#include "loadgen/pacing.hpp"

namespace hello::loadgen {

// `Connection` is what the thread tagged its descriptors with
// (EpollSet::add). `release_due` is called only in open loop (with a pacing).
template <class Connection, class OnReadable, class ReleaseDue, class CloseStalled>
void run_measured_loop(EpollSet& epoll, const std::size_t& open,
                       const std::optional<Pacing>& pacing, OnReadable&& on_readable,
                       ReleaseDue&& release_due, CloseStalled&& close_stalled)
{
    auto next_watch = Clock::now() + watchdog_period;
    while (open > 0) {
        const auto due = pacing ? pacing->next_due() : std::nullopt;
        for (const auto& event : epoll.wait(due, watchdog_period)) {
            on_readable(*static_cast<Connection*>(event.data.ptr));
        }
        const auto now = Clock::now();
        if (pacing) {
            release_due(now);
        }
        if (now >= next_watch) {
            close_stalled(now);
            next_watch = now + watchdog_period;
        }
    }
}

}  // namespace hello::loadgen
