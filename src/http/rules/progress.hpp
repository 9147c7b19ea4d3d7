#pragma once
// The text of the progress display, as pure functions of the numbers, so that
// it is tested without a terminal or a clock. ProgressMeter draws it.

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>

namespace hello::http {

// "0 B", "999 B", "1.0 KiB", "12.3 MiB", "1.5 GiB".
std::string human_size(std::uint64_t bytes);

// "0:07", "12:34", "1:02:03".
std::string clock_time(std::chrono::seconds duration);

struct Progress {
    std::uint64_t bytes = 0;
    std::optional<std::uint64_t> total;  // the body's length, when announced
    std::optional<double> rate;          // bytes per second; nullopt: not measured yet
    std::chrono::milliseconds elapsed{0};
};

// One line of at most `width` columns. With a total:
//   " 42% [=========>              ]    4.2 MiB   1.3 MiB/s  0:03 ETA 0:05"
// the bar taking what room is left; without one:
//   "   4.2 MiB   1.3 MiB/s  0:03"
// Narrower, the bar goes first, then the times, then the rate.
std::string progress_line(const Progress& progress, std::size_t width);

// The rate over the last few seconds, from (time, bytes) samples: it follows
// a transfer that speeds up or slows down, and says nothing until it has seen
// half a second, so a first frame cannot claim what one quick read suggests.
class RateWindow {
public:
    using clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds span{5000};
    static constexpr std::chrono::milliseconds least{500};

    void add(clock::time_point when, std::uint64_t bytes);
    std::optional<double> rate() const;

private:
    std::deque<std::pair<clock::time_point, std::uint64_t>> samples_;
};

}  // namespace hello::http
