#include "http/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace hello::http {
namespace {

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

std::string progress_line(std::uint64_t bytes, double bytes_per_second,
                          std::optional<std::uint64_t> total, std::size_t bar_width)
{
    const auto rate = bytes_per_second > 0 && std::isfinite(bytes_per_second)
                          ? static_cast<std::uint64_t>(bytes_per_second)
                          : std::uint64_t{0};
    const auto amounts = fmt::format("{:>10}  {:>10}/s", human_size(bytes), human_size(rate));
    if (!total) {
        return amounts;
    }
    return fmt::format("{:>3}% [{}] {}", percent(bytes, *total), bar(bytes, *total, bar_width),
                       amounts);
}

}  // namespace hello::http
