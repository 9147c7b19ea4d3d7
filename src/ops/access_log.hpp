#pragma once
// The lines a session logs: a client came, said something, left. The close
// line says why it ended and what the session amounted to, in words for
// people and as fields for machines (--log-format json).

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "ops/counters.hpp"

namespace hello::ops {

// What a session amounted to, for its close line.
struct SessionTotals {
    std::chrono::steady_clock::duration duration{};
    std::uint64_t messages = 0;
    std::uint64_t bytes_in = 0;   // received from the client, line endings included
    std::uint64_t bytes_out = 0;  // sent to it, greeting and errors included
};

// "Connection from 127.0.0.1:4000 closed (idle timeout) after 5.002s: 3 messages, 21 bytes in, 60
// bytes out."
std::string close_line_text(std::string_view peer, CloseReason reason, const SessionTotals& totals);

// "Accept new connection from PEER..." (event "accept").
void log_accept(std::string_view peer);

// "Message from PEER: "TEXT"" (event "message"); `text` is the client's
// bytes, escaped here.
void log_message(std::string_view peer, std::string_view text);

// The close line (event "close", fields reason, duration_s, messages,
// bytes_in, bytes_out).
void log_close(std::string_view peer, CloseReason reason, const SessionTotals& totals);

}  // namespace hello::ops
