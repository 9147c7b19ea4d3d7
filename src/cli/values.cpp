#include "cli/values.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
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
    const auto invalid = [text] {
        return UsageError(fmt::format(
            "invalid duration '{}' (expected a number with a unit: 250ms, 1.5s, 5m, 2h, or 0.5 for "
            "seconds; at most 24h)",
            text));
    };
    const auto number_end = text.find_first_not_of("0123456789.");
    const auto number = text.substr(0, number_end);
    const auto unit =
        number_end == std::string_view::npos ? std::string_view{} : text.substr(number_end);
    const auto point = number.find('.');
    const auto whole = number.substr(0, point);
    const auto fraction =
        point == std::string_view::npos ? std::string_view{} : number.substr(point + 1);
    if (number.empty() || number == "." || fraction.find('.') != std::string_view::npos ||
        whole.size() > 9 || fraction.size() > 9) {
        throw invalid();
    }
    struct Unit {
        std::string_view suffix;
        double milliseconds;
    };
    constexpr std::array units{Unit{"ms", 1}, Unit{"s", 1000}, Unit{"", 1000}, Unit{"m", 60'000},
                               Unit{"h", 3'600'000}};
    for (const auto& known : units) {
        if (unit == known.suffix) {
            const double milliseconds =
                std::stod(std::string(number.front() == '.' ? "0" : "") + std::string(number)) *
                known.milliseconds;
            if (milliseconds > 24.0 * 3'600'000) {
                break;
            }
            return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(milliseconds)));
        }
    }
    throw invalid();
}

std::string format_duration(std::chrono::milliseconds duration)
{
    const auto milliseconds = duration.count();
    if (milliseconds < 1000 && milliseconds > -1000) {
        return fmt::format("{}ms", milliseconds);
    }
    auto seconds = fmt::format("{}.{:03}", milliseconds / 1000, milliseconds % 1000);
    seconds.erase(seconds.find_last_not_of('0') + 1);
    if (seconds.back() == '.') {
        seconds.pop_back();
    }
    return seconds + "s";
}

std::string_view parse_host(std::string_view text)
{
    if (text.starts_with('[') || text.ends_with(']')) {
        if (text.size() < 3 || !text.starts_with('[') || !text.ends_with(']') ||
            text.find(':') == std::string_view::npos) {
            throw UsageError(
                fmt::format("invalid host '{}' (brackets are for an IPv6 address: [::1])", text));
        }
        return text.substr(1, text.size() - 2);
    }
    return text;
}

}  // namespace hello::cli
