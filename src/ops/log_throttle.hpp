#pragma once
// Rate-limited logging for conditions that can repeat thousands of times a
// second (clients turned away, accept errors): the first occurrence is
// logged at once, the rest are counted and summed up in one line at most
// once per interval. Pure: the caller supplies the time, and logs the lines.

#include <chrono>
#include <cstdint>

namespace hello::ops {

class LogThrottle {
public:
    using Clock = std::chrono::steady_clock;

    explicit LogThrottle(Clock::duration interval = std::chrono::seconds(1)) : interval_(interval)
    {
    }

    // An occurrence at `now`: true if it is to be logged in full; otherwise
    // it is counted for the next summary.
    bool occurred(Clock::time_point now)
    {
        if (!logged_once_ || (suppressed_ == 0 && now - last_line_ >= interval_)) {
            logged_once_ = true;
            last_line_ = now;
            return true;
        }
        ++suppressed_;
        return false;
    }

    // How many occurrences to sum up now, at most once per interval (0: no
    // line is due). Resets the count.
    std::uint64_t summary_due(Clock::time_point now)
    {
        if (suppressed_ == 0 || now - last_line_ < interval_) {
            return 0;
        }
        last_line_ = now;
        const auto count = suppressed_;
        suppressed_ = 0;
        return count;
    }

private:
    Clock::duration interval_;
    Clock::time_point last_line_{};
    std::uint64_t suppressed_ = 0;
    bool logged_once_ = false;
};

}  // namespace hello::ops
