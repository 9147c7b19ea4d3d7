#include "loadgen/event_wait.hpp"

#include <algorithm>
#include <cerrno>
#include <ctime>

namespace hello::loadgen {

int EventWait::wait(std::array<epoll_event, 256>& events, std::optional<Clock::time_point> due,
                    std::chrono::milliseconds longest)
{
    const auto capacity = static_cast<int>(events.size());
    if (!due) {
        return ::epoll_wait(epoll_, events.data(), capacity, static_cast<int>(longest.count()));
    }
    const auto wait = std::clamp<Clock::duration>(*due - Clock::now(), {}, longest);
    if (precise_) {
        const timespec timeout{.tv_sec = 0, .tv_nsec = static_cast<long>(wait.count())};
        const int ready = ::epoll_pwait2(epoll_, events.data(), capacity, &timeout, nullptr);
        if (ready >= 0 || errno != ENOSYS) {
            return ready;
        }
        precise_ = false;
    }
    return ::epoll_wait(
        epoll_, events.data(), capacity,
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()));
}

}  // namespace hello::loadgen
