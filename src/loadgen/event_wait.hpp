#pragma once
// How both of hello_bench's loops sleep: until a connection is readable, the
// next scheduled send is due (open loop), or the watchdog's period is up.

#include <sys/epoll.h>

#include <array>
#include <chrono>
#include <optional>

namespace hello::loadgen {

class EventWait {
public:
    using Clock = std::chrono::steady_clock;

    explicit EventWait(int epoll) : epoll_(epoll) {}

    // Waits at most `longest`, and no later than `due` if there is one. The
    // schedule needs nanoseconds (epoll_pwait2); where that call is missing
    // (kernels before 5.11, valgrind) the wait is cut to whole milliseconds
    // and polls through the last one. Returns epoll_wait's count.
    int wait(std::array<epoll_event, 256>& events, std::optional<Clock::time_point> due,
             std::chrono::milliseconds longest);

private:
    int epoll_;
    bool precise_ = true;  // epoll_pwait2 works here
};

}  // namespace hello::loadgen
