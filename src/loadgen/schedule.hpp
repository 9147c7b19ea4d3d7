#pragma once
// The open-loop schedule: a run at RATE messages per second over CONNECTIONS
// connections numbers its messages 0, 1, 2, ... in the order they are due,
// message m being due m / RATE seconds after the start. Connection i sends
// messages i, i + CONNECTIONS, i + 2 * CONNECTIONS, ...: its own evenly
// spaced schedule, the connections' schedules interleaved evenly. Worked out
// from the message number every time, never by adding up intervals, so no
// rounding accumulates and the threads, which share the connections out,
// share the rate out exactly. Pure code.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace hello::loadgen {

// When message `number` of the run is due, after the start, to the
// nanosecond (rounded down).
std::chrono::nanoseconds due_after(std::uint64_t number, std::uint64_t rate);

// When connection `index`'s message `sent` (counted from 0) is due.
inline std::chrono::nanoseconds due_after(std::uint64_t sent, std::size_t index,
                                          std::size_t connections, std::uint64_t rate)
{
    return due_after(sent * connections + index, rate);
}

// How many of `connections` a thread gets when `threads` threads take every
// threads-th one, starting with the thread's index.
std::size_t connections_of_thread(std::size_t connections, std::size_t threads,
                                  std::size_t thread_index);

// That thread's share of the rate: its connections' schedules, in messages per second.
double rate_of_thread(std::uint64_t rate, std::size_t connections, std::size_t threads,
                      std::size_t thread_index);

}  // namespace hello::loadgen
