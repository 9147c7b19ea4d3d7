#pragma once
// What one log line looks like, as a pure function of what happened: the
// tutorial's words in text (with a timestamp unless journald adds its own),
// or one JSON object per line for log shippers. net/log.hpp writes it.

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

namespace hello::net {

enum class LogFormat { text, json };
enum class LogLevel { info, error };

std::string_view level_name(LogLevel level);

// One structured field of an event, e.g. {"bytes_in", 42}. Strings are
// escaped for JSON; numbers are written as numbers.
struct LogField {
    std::string_view name;
    std::variant<std::string_view, std::uint64_t, double> value;
};

using LogClock = std::chrono::system_clock;

// Appends one line, '\n' included, to `out`.
// text: "[TIMESTAMP ]MESSAGE" -- the fields are already in the message's words.
// json: {"ts":TIMESTAMP,"level":...,"event":...,"peer":...,FIELDS...,"msg":MESSAGE}
//       ("peer" only when not empty; "ts" only with a timestamp).
// TIMESTAMP is RFC 3339 in UTC with milliseconds: 2026-11-25T17:45:03.042Z.
void format_log_line(fmt::memory_buffer& out, LogFormat format, LogLevel level,
                     std::string_view event, std::string_view peer,
                     std::span<const LogField> fields, std::string_view message,
                     std::optional<LogClock::time_point> timestamp);

// The same, as a string (for tests and for whoever wants one).
std::string log_line(LogFormat format, LogLevel level, std::string_view event,
                     std::string_view peer, std::span<const LogField> fields,
                     std::string_view message, std::optional<LogClock::time_point> timestamp);

// "2026-11-25T17:45:03.042Z"
void append_rfc3339_ms(fmt::memory_buffer& out, LogClock::time_point time);

// `text` as the inside of a JSON string: quotes, backslashes and control
// bytes escaped; bytes past ASCII as \u00XX, so that a line is valid JSON
// whatever the bytes (log text is printable ASCII already; see printable()).
void append_json_string(fmt::memory_buffer& out, std::string_view text);

}  // namespace hello::net
