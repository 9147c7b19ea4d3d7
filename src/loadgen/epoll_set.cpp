#include "loadgen/epoll_set.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <system_error>

namespace hello::loadgen {

EpollSet::EpollSet() : epoll_(::epoll_create1(EPOLL_CLOEXEC))
{
    if (epoll_ < 0) {
        throw std::system_error(errno, std::generic_category(), "epoll_create1");
    }
}

EpollSet::~EpollSet()
{
    ::close(epoll_);
}

std::span<const epoll_event> EpollSet::wait(std::optional<Clock::time_point> due,
                                            std::chrono::milliseconds longest)
{
    const auto capacity = static_cast<int>(events_.size());
    int ready = -1;
    if (!due) {
        ready = ::epoll_wait(epoll_, events_.data(), capacity, static_cast<int>(longest.count()));
    } else {
        const auto wait = std::clamp<Clock::duration>(*due - Clock::now(), {}, longest);
        if (precise_) {
            const timespec timeout{.tv_sec = 0, .tv_nsec = static_cast<long>(wait.count())};
            ready = ::epoll_pwait2(epoll_, events_.data(), capacity, &timeout, nullptr);
            precise_ = ready >= 0 || errno != ENOSYS;
        }
        if (!precise_) {
            ready = ::epoll_wait(
                epoll_, events_.data(), capacity,
                static_cast<int>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()));
        }
    }
    if (ready < 0) {
        if (errno != EINTR) {
            throw std::system_error(errno, std::generic_category(), "epoll_wait");
        }
        return {};
    }
    return {events_.data(), static_cast<std::size_t>(ready)};
}

void EpollSet::wake_on_time()
{
    ::prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
}

}  // namespace hello::loadgen
