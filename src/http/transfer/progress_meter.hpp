#pragma once
// The progress display on stderr, as curl and wget draw it: redrawn in place
// at most four times a second, as wide as the terminal (TIOCGWINSZ, then
// $COLUMNS, then 80), and only on a terminal (a log file wants no carriage
// returns). progress_line() decides what it says.

#include <chrono>
#include <cstdint>
#include <optional>

#include "http/rules/progress.hpp"

namespace hello::http {

class ProgressMeter {
public:
    // `total`: the body's length when the response says it.
    explicit ProgressMeter(std::optional<std::uint64_t> total);
    // Ends the line if the transfer failed, so the error gets its own.
    ~ProgressMeter();
    ProgressMeter(const ProgressMeter&) = delete;
    ProgressMeter& operator=(const ProgressMeter&) = delete;

    void update(std::uint64_t bytes);
    // The last drawing, with the rate of the whole transfer, and the end of its line.
    void finish(std::uint64_t bytes);

private:
    using clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds redraw_interval{250};

    void draw(std::uint64_t bytes, std::optional<double> rate, clock::time_point now);

    bool enabled_;
    std::optional<std::uint64_t> total_;
    clock::time_point start_ = clock::now();
    std::optional<clock::time_point> last_draw_;
    RateWindow window_;
    bool line_open_ = false;
    std::size_t last_width_ = 0;
};

}  // namespace hello::http
