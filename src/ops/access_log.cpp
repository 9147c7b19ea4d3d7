#include "ops/access_log.hpp"

#include <fmt/format.h>

#include <array>

#include "net/log.hpp"
#include "protocol/printable.hpp"

namespace hello::ops {
namespace {

double seconds(std::chrono::steady_clock::duration duration)
{
    return std::chrono::duration<double>(duration).count();
}

}  // namespace

std::string close_line_text(std::string_view peer, CloseReason reason, const SessionTotals& totals)
{
    return fmt::format(
        "Connection from {} closed{} after {:.3f}s: {} message{}, {} bytes in, {} bytes out.", peer,
        protocol::describe(reason).words, seconds(totals.duration), totals.messages,
        totals.messages == 1 ? "" : "s", totals.bytes_in, totals.bytes_out);
}

void log_accept(std::string_view peer)
{
    net::log_event(net::LogLevel::info, "accept", peer, {},
                   fmt::format("Accept new connection from {}...", peer));
}

void log_message(std::string_view peer, std::string_view text)
{
    const auto shown = protocol::printable(text);
    const std::array<net::LogField, 1> fields{{{"text", std::string_view(shown)}}};
    net::log_event(net::LogLevel::info, "message", peer, fields,
                   fmt::format("Message from {}: \"{}\"", peer, shown));
}

void log_close(std::string_view peer, CloseReason reason, const SessionTotals& totals)
{
    const std::array<net::LogField, 5> fields{{
        {"reason", protocol::describe(reason).label},
        {"duration_s", seconds(totals.duration)},
        {"messages", totals.messages},
        {"bytes_in", totals.bytes_in},
        {"bytes_out", totals.bytes_out},
    }};
    const auto level = reason == CloseReason::failed ? net::LogLevel::error : net::LogLevel::info;
    net::log_event(level, "close", peer, fields, close_line_text(peer, reason, totals));
}

}  // namespace hello::ops
