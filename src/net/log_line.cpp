#include "net/log_line.hpp"

#include <ctime>
#include <iterator>

namespace hello::net {
namespace {

void append(fmt::memory_buffer& out, std::string_view text)
{
    out.append(text.data(), text.data() + text.size());
}

void append_field(fmt::memory_buffer& out, std::string_view name, std::string_view value)
{
    append(out, ",\"");
    append_json_string(out, name);
    append(out, "\":\"");
    append_json_string(out, value);
    out.push_back('"');
}

}  // namespace

std::string_view level_name(LogLevel level)
{
    switch (level) {
    case LogLevel::info: return "info";
    case LogLevel::error: return "error";
    }
    return "info";
}

void append_rfc3339_ms(fmt::memory_buffer& out, LogClock::time_point time)
{
    const auto since_epoch = std::chrono::floor<std::chrono::milliseconds>(time.time_since_epoch());
    const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
    const std::time_t whole = seconds.count();
    std::tm utc{};
    ::gmtime_r(&whole, &utc);
    fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                   utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                   utc.tm_sec, (since_epoch - seconds).count());
}

void append_json_string(fmt::memory_buffer& out, std::string_view text)
{
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"': append(out, "\\\""); continue;
        case '\\': append(out, "\\\\"); continue;
        case '\n': append(out, "\\n"); continue;
        case '\r': append(out, "\\r"); continue;
        case '\t': append(out, "\\t"); continue;
        default: break;
        }
        if (byte < 0x20 || byte >= 0x7f) {
            fmt::format_to(std::back_inserter(out), "\\u{:04x}", byte);
        } else {
            out.push_back(c);
        }
    }
}

void format_log_line(fmt::memory_buffer& out, LogFormat format, LogLevel level,
                     std::string_view event, std::string_view peer,
                     std::span<const LogField> fields, std::string_view message,
                     std::optional<LogClock::time_point> timestamp)
{
    if (format == LogFormat::text) {
        if (timestamp) {
            append_rfc3339_ms(out, *timestamp);
            out.push_back(' ');
        }
        append(out, message);
        out.push_back('\n');
        return;
    }
    out.push_back('{');
    if (timestamp) {
        append(out, "\"ts\":\"");
        append_rfc3339_ms(out, *timestamp);
        append(out, "\",");
    }
    append(out, "\"level\":\"");
    append(out, level_name(level));
    out.push_back('"');
    append_field(out, "event", event);
    if (!peer.empty()) {
        append_field(out, "peer", peer);
    }
    for (const auto& field : fields) {
        if (const auto* text = std::get_if<std::string_view>(&field.value)) {
            append_field(out, field.name, *text);
            continue;
        }
        append(out, ",\"");
        append_json_string(out, field.name);
        append(out, "\":");
        if (const auto* count = std::get_if<std::uint64_t>(&field.value)) {
            fmt::format_to(std::back_inserter(out), "{}", *count);
        } else {
            fmt::format_to(std::back_inserter(out), "{:.3f}", std::get<double>(field.value));
        }
    }
    append_field(out, "msg", message);
    append(out, "}\n");
}

std::string log_line(LogFormat format, LogLevel level, std::string_view event,
                     std::string_view peer, std::span<const LogField> fields,
                     std::string_view message, std::optional<LogClock::time_point> timestamp)
{
    fmt::memory_buffer out;
    format_log_line(out, format, level, event, peer, fields, message, timestamp);
    return fmt::to_string(out);
}

}  // namespace hello::net
