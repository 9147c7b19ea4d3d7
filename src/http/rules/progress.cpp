#include "http/rules/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace hello::http {
namespace {

// The narrowest bar worth drawing, between its brackets.
constexpr std::size_t least_bar = 10;

std::string bar(std::uint64_t bytes, std::uint64_t total, std::size_t width)
{
    const auto filled =
        total == 0
            ? width
            : static_cast<std::size_t>(static_cast<double>(std::min(bytes, total)) /
                                       static_cast<double>(total) * static_cast<double>(width));
    std::string text(width, ' ');
    std::fill_n(text.begin(), filled, '=');
    if (filled < width) {
        text[filled] = '>';
    }
    return text;
}

unsigned percent(std::uint64_t bytes, std::uint64_t total)
{
    if (total == 0 || bytes >= total) {
        return 100;
    }
    return static_cast<unsigned>(static_cast<double>(bytes) * 100.0 / static_cast<double>(total));
}

std::optional<double> usable(std::optional<double> rate)
{
    if (rate && std::isfinite(*rate) && *rate >= 0) {
        return rate;
    }
    return std::nullopt;
}

std::string times(const Progress& progress, std::optional<double> rate)
{
    const auto elapsed =
        clock_time(std::chrono::duration_cast<std::chrono::seconds>(progress.elapsed));
    if (!progress.total || !rate || *rate <= 0 || progress.bytes >= *progress.total) {
        return elapsed;
    }
    const double left = static_cast<double>(*progress.total - progress.bytes) / *rate;
    if (left > 100.0 * 3600) {
        return elapsed;  // an ETA of days says only "slow"
    }
    return fmt::format(
        "{} ETA {}", elapsed,
        clock_time(std::chrono::seconds(static_cast<std::int64_t>(std::ceil(left)))));
}

}  // namespace

std::string human_size(std::uint64_t bytes)
{
    constexpr std::array units{"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) {
        return fmt::format("{} B", bytes);
    }
    auto value = static_cast<double>(bytes) / 1024.0;
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < units.size()) {
        value /= 1024.0;
        ++unit;
    }
    return fmt::format("{:.1f} {}", value, units[unit]);
}

std::string clock_time(std::chrono::seconds duration)
{
    const auto total = std::max<std::int64_t>(duration.count(), 0);
    const auto hours = total / 3600;
    const auto minutes = total / 60 % 60;
    const auto seconds = total % 60;
    if (hours > 0) {
        return fmt::format("{}:{:02}:{:02}", hours, minutes, seconds);
    }
    return fmt::format("{}:{:02}", minutes, seconds);
}

std::string progress_line(const Progress& progress, std::size_t width)
{
    const auto rate = usable(progress.rate);
    const auto size = fmt::format("{:>10}", human_size(progress.bytes));
    const auto speed =
        fmt::format("{:>12}", rate ? human_size(static_cast<std::uint64_t>(*rate)) + "/s"
                                   : std::string("--/s"));
    const auto time = times(progress, rate);
    // From the richest to the barest: which parts follow the bar.
    const std::vector<std::string> tails = {
        fmt::format("{} {}  {}", size, speed, time),
        fmt::format("{} {}", size, speed),
        size,
    };
    if (progress.total) {
        const auto head = fmt::format("{:>3}%", percent(progress.bytes, *progress.total));
        const auto fixed = head.size() + 2 + 2 + tails.front().size();  // " [" "] "
        if (fixed + least_bar <= width) {
            return fmt::format("{} [{}] {}", head,
                               bar(progress.bytes, *progress.total, width - fixed), tails.front());
        }
        for (const auto& tail : tails) {
            if (head.size() + tail.size() <= width) {
                return head + tail;
            }
        }
        return head.substr(0, width);
    }
    for (const auto& tail : tails) {
        if (tail.size() <= width) {
            return tail;
        }
    }
    return size.substr(0, width);
}

void RateWindow::add(clock::time_point when, std::uint64_t bytes)
{
    samples_.emplace_back(when, bytes);
    while (samples_.size() > 2 && when - samples_[1].first >= span) {
        samples_.pop_front();
    }
}

std::optional<double> RateWindow::rate() const
{
    if (samples_.size() < 2) {
        return std::nullopt;
    }
    const auto& [first_time, first_bytes] = samples_.front();
    const auto& [last_time, last_bytes] = samples_.back();
    const std::chrono::duration<double> seen = last_time - first_time;
    if (last_time - first_time < least || last_bytes < first_bytes) {
        return std::nullopt;
    }
    return static_cast<double>(last_bytes - first_bytes) / seen.count();
}

}  // namespace hello::http
