#include "cli/values.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <limits>
#include <utility>

#include "cli/arguments.hpp"

namespace hello::cli {
namespace {

// The leading digits of `text` as a number, and the rest; nullopt when there
// are no digits or they overflow.
std::optional<std::pair<std::uint64_t, std::string_view>> leading_number(std::string_view text)
{
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{}) {
        return std::nullopt;
    }
    return std::pair{value, text.substr(static_cast<std::size_t>(end - text.data()))};
}

}  // namespace

std::uint64_t parse_count(std::string_view text, std::string_view what, std::uint64_t min,
                          std::uint64_t max)
{
    const auto number = leading_number(text);
    if (!number || !number->second.empty() || number->first < min || number->first > max) {
        throw UsageError(fmt::format("invalid {} '{}' (expected a whole number from {} to {})",
                                     what, text, min, max));
    }
    return number->first;
}

std::uint16_t parse_port(std::string_view text)
{
    return static_cast<std::uint16_t>(parse_count(text, "port", 0, 65535));
}

std::uint16_t parse_remote_port(std::string_view text)
{
    return static_cast<std::uint16_t>(parse_count(text, "port", 1, 65535));
}

std::chrono::milliseconds parse_duration(std::string_view text)
{
    struct Unit {
        std::string_view suffix;
        std::uint64_t milliseconds;
    };
    constexpr std::array units{Unit{"ms", 1}, Unit{"s", 1000}, Unit{"", 1000}, Unit{"m", 60'000},
                               Unit{"h", 3'600'000}};
    // A day's worth of hours is plenty, and keeps the product far from overflow.
    constexpr std::uint64_t max_milliseconds = 24ULL * 3'600'000;

    if (const auto number = leading_number(text)) {
        for (const auto& unit : units) {
            if (number->second == unit.suffix &&
                number->first <= max_milliseconds / unit.milliseconds) {
                return std::chrono::milliseconds(number->first * unit.milliseconds);
            }
        }
    }
    throw UsageError(fmt::format(
        "invalid duration '{}' (expected a whole number with a unit: 250ms, 1s, 5m, 2h; at most 24h)",
        text));
}

}  // namespace hello::cli
