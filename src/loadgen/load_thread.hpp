#pragma once
// One load-generating thread and its share of the connections, in two
// phases: connect them all (connect_phase.hpp: Asio coroutines, not
// measured), then converse in the measured window (message_loop.hpp: a plain
// epoll loop). What both phases count goes into one Tally, which the message
// loop keeps because it writes it for every message.

#include <cstddef>

#include "loadgen/load_plan.hpp"
#include "loadgen/message_loop.hpp"
#include "loadgen/tally.hpp"

namespace hello::loadgen {

class LoadThread {
public:
    // Takes connections thread_index, thread_index + threads, ...
    LoadThread(const LoadPlan& plan, std::size_t thread_index);

    // Returns once every connection of this thread is greeted and ready to
    // converse, or has failed. Rethrows what escaped a coroutine (a bug or
    // an exhausted resource, not a network error).
    void connect_all();
    // Returns once every conversation has ended. `start` is the same for
    // every thread: the open-loop schedule counts from it.
    void converse_all(Clock::time_point start) { messages_.converse_all(start); }

    const Tally& tally() const { return messages_.tally(); }

private:
    const LoadPlan& plan_;
    MessageLoop messages_;
};

}  // namespace hello::loadgen
