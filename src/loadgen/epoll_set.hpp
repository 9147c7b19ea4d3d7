#pragma once
// The epoll set both of hello_bench's measured loops run on: level-triggered,
// readable only (every send goes whole at once), each descriptor tagged with
// its connection. A loop sleeps in it until a connection is readable, the
// next scheduled message is due (open loop), or the watchdog's period is up.

#include <sys/epoll.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <optional>
#include <span>

#include "loadgen/load_plan.hpp"

namespace hello::loadgen {

class EpollSet {
public:
    // Throws std::system_error if the kernel will not make one.
    EpollSet();
    EpollSet(const EpollSet&) = delete;
    EpollSet& operator=(const EpollSet&) = delete;
    ~EpollSet();

    // Returns 0, or the errno of epoll_ctl. Closing the descriptor takes it
    // out of the set again. Inline: with --reconnect it runs for every session.
    int add(int descriptor, void* connection)
    {
        epoll_event interest{};
        interest.events = EPOLLIN;
        interest.data.ptr = connection;
        return ::epoll_ctl(epoll_, EPOLL_CTL_ADD, descriptor, &interest) == 0 ? 0 : errno;
    }

    // Waits at most `longest`, and no later than `due` if there is one; then
    // returns what is readable (each one's `data.ptr` is its connection), or
    // nothing after a signal. The schedule needs nanoseconds (epoll_pwait2);
    // where that call is missing (kernels before 5.11, valgrind) the wait is
    // cut to whole milliseconds and polls through the last one. Throws
    // std::system_error on any other failure.
    std::span<const epoll_event> wait(std::optional<Clock::time_point> due,
                                      std::chrono::milliseconds longest);

    // A timer may fire up to its thread's slack late (50 us by default, 1 us
    // after this): in open loop, lateness would count as the server's latency.
    static void wake_on_time();

private:
    int epoll_;
    bool precise_ = true;  // epoll_pwait2 works here
    std::array<epoll_event, 256> events_{};
};

}  // namespace hello::loadgen
