#pragma once
// Log lines go to stderr, program output to stdout. One line is one write(2)
// call, without stdio's lock: lines from concurrent threads do not interleave
// (a line is short: client bytes are logged escaped and cut to 64), and
// logging never makes the threads wait for each other's locks.
//
// log() writes the tutorial's words; log_event() also names the event and
// its fields, which the JSON format (hello_server --log-format json) shows.
// What a line looks like is net/log_line.hpp's business.

#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>
#include <iterator>
#include <span>
#include <string_view>
#include <utility>

#include "net/log_line.hpp"

namespace hello::net {

struct LogSettings {
    LogFormat format = LogFormat::text;
    bool timestamps = false;  // in text; JSON lines always carry "ts"
};

// Chosen once by main(), before any other thread starts; read-only after.
// The default (text, no timestamp) is what the clients and http_get write.
inline LogSettings log_settings;

inline void write_to_stderr(std::string_view rest)
{
    // A log line that cannot be written (stderr closed) is not worth failing for.
    while (!rest.empty()) {
        const auto written = ::write(STDERR_FILENO, rest.data(), rest.size());
        if (written < 0 && errno != EINTR) {
            return;
        }
        rest.remove_prefix(written < 0 ? 0 : static_cast<std::size_t>(written));
    }
}

inline void log_event(LogLevel level, std::string_view event, std::string_view peer,
                      std::span<const LogField> fields, std::string_view message)
{
    const auto settings = log_settings;
    const bool stamped = settings.format == LogFormat::json || settings.timestamps;
    fmt::memory_buffer line;
    format_log_line(line, settings.format, level, event, peer, fields, message,
                    stamped ? std::optional(LogClock::now()) : std::nullopt);
    write_to_stderr(std::string_view(line.data(), line.size()));
}

// An event with no fields of its own ("event":"log" in JSON).
template <typename... Args>
void log(fmt::format_string<Args...> format, Args&&... args)
{
    fmt::memory_buffer message;
    fmt::format_to(std::back_inserter(message), format, std::forward<Args>(args)...);
    log_event(LogLevel::info, "log", {}, {}, std::string_view(message.data(), message.size()));
}

}  // namespace hello::net
