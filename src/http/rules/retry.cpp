#include "http/rules/retry.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "http/wire/text.hpp"

namespace hello::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// curl's ceiling for its doubling back-off, and for a Retry-After we obey.
constexpr milliseconds longest_wait = std::chrono::minutes(10);

std::optional<std::uint64_t> digits_value(std::string_view text)
{
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || text.front() < '0' || text.front() > '9' || error != std::errc{} ||
        end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day)
{
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(year - era * 400);
    const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const unsigned day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

// "Sun, 06 Nov 1994 08:49:37 GMT" as seconds since the epoch.
std::optional<std::int64_t> imf_fixdate(std::string_view text)
{
    constexpr std::array months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    // "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions, 29 characters.
    if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
        text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
        return std::nullopt;
    }
    const auto day = digits_value(text.substr(5, 2));
    const auto month_name = text.substr(8, 3);
    const auto month = std::ranges::find(months, month_name);
    const auto year = digits_value(text.substr(12, 4));
    const auto hour = digits_value(text.substr(17, 2));
    const auto minute = digits_value(text.substr(20, 2));
    const auto second = digits_value(text.substr(23, 2));
    if (!day || month == months.end() || !year || !hour || !minute || !second || *day < 1 ||
        *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
        return std::nullopt;
    }
    const auto month_number = static_cast<unsigned>(month - months.begin() + 1);
    const auto days = days_from_civil(static_cast<std::int64_t>(*year), month_number,
                                      static_cast<unsigned>(*day));
    return days * 86400 + static_cast<std::int64_t>(*hour * 3600 + *minute * 60 + *second);
}

}  // namespace

bool is_transient_status(int status_code)
{
    return status_code == 408 || status_code == 429 || status_code == 500 || status_code == 502 ||
           status_code == 503 || status_code == 504;
}

bool worth_retrying(const RetryOptions& options, FailureKind kind)
{
    switch (kind) {
    case FailureKind::transient: return true;
    case FailureKind::refused: return options.connection_refused || options.all_errors;
    case FailureKind::other: return options.all_errors;
    }
    return false;
}

std::optional<milliseconds> retry_wait(const RetryOptions& options, bool transient,
                                       int retries_done, milliseconds elapsed,
                                       std::optional<seconds> retry_after)
{
    if (!transient || retries_done >= options.retries) {
        return std::nullopt;
    }
    if (options.max_time && elapsed >= *options.max_time) {
        return std::nullopt;
    }
    milliseconds wait;
    if (retry_after) {
        wait = std::min<milliseconds>(*retry_after, longest_wait);
    } else if (options.delay) {
        wait = *options.delay;
    } else {
        wait = milliseconds(1000) * (1LL << std::min(retries_done, 10));
        wait = std::min(wait, longest_wait);
    }
    // curl checks only a Retry-After's wait against the limit: the server
    // said when to come back, and that is after the limit.
    if (retry_after && options.max_time && elapsed + wait > *options.max_time) {
        return std::nullopt;
    }
    return wait;
}

std::optional<seconds> parse_retry_after(std::string_view value,
                                         std::chrono::system_clock::time_point now)
{
    const auto text = trim(value);
    if (const auto delay = digits_value(text)) {
        // More than a day is as good as never; the caller caps it anyway.
        return seconds(std::min<std::uint64_t>(*delay, 86400));
    }
    const auto date = imf_fixdate(text);
    if (!date) {
        return std::nullopt;
    }
    const auto now_seconds = std::chrono::duration_cast<seconds>(now.time_since_epoch()).count();
    return seconds(std::clamp<std::int64_t>(*date - now_seconds, 0, 86400));
}

}  // namespace hello::http
