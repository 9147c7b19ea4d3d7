#pragma once
// Why a connection ended, in one table: each reason's one-word label (the
// close log line's `reason` field and the metric's `reason` label) and the
// words the close line gives it. A new reason is one enum value and one row.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/vocabulary.hpp"

namespace hello::protocol {

enum class CloseReason : std::uint8_t {
    exit,          // the client said "exit"
    eof,           // the client closed its side
    reset,         // a read or write failed: the connection is gone
    too_long,      // a message over --max-message, refused with an error line
    idle,          // nothing moved either way for --idle-timeout
    shutdown,      // the server is stopping
    failed,        // a bug or an exhausted resource ended this session only
    proxy_header,  // --proxy-protocol: no valid header came first
};

struct CloseReasonInfo {
    CloseReason reason;
    std::string_view label;  // one word, the enum's own name
    std::string_view words;  // in the close line: "" for a client that said goodbye
};

// In the enum's order.
inline constexpr std::array close_reasons{
    CloseReasonInfo{CloseReason::exit, "exit", ""},
    CloseReasonInfo{CloseReason::eof, "eof", ""},
    CloseReasonInfo{CloseReason::reset, "reset", " (connection reset)"},
    CloseReasonInfo{CloseReason::too_long, "too_long", " (message too long)"},
    CloseReasonInfo{CloseReason::idle, "idle", " (idle timeout)"},
    CloseReasonInfo{CloseReason::shutdown, "shutdown", " (server shutting down)"},
    CloseReasonInfo{CloseReason::failed, "failed", " (session failed)"},
    CloseReasonInfo{CloseReason::proxy_header, "proxy_header", " (no valid PROXY protocol header)"},
};
inline constexpr std::size_t close_reason_count = close_reasons.size();

static_assert(in_enum_order(close_reasons, &CloseReasonInfo::reason));

constexpr const CloseReasonInfo& describe(CloseReason reason)
{
    return close_reasons[static_cast<std::size_t>(reason)];
}

// What the client's side of a conversation came to (protocol/conversation.hpp).
enum class Ending : std::uint8_t { none, said_exit, too_long, end_of_stream };

// The one rule for why a session ended. The server's own decision (idle,
// shutdown) comes first: it is what made the last read or write fail. Then a
// failed read or write, then what the client said.
CloseReason decide_close_reason(std::optional<CloseReason> ended_by_server, bool io_failed,
                                Ending ending);

}  // namespace hello::protocol
