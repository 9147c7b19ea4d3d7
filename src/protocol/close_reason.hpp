#pragma once
// Why a connection ended, in one word each: the enum's name is the word the
// close log line's `reason` field and the metric's `reason` label carry.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

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

inline constexpr std::array all_close_reasons{
    CloseReason::exit, CloseReason::eof,      CloseReason::reset,  CloseReason::too_long,
    CloseReason::idle, CloseReason::shutdown, CloseReason::failed, CloseReason::proxy_header,
};
inline constexpr std::size_t close_reason_count = all_close_reasons.size();

// "exit", "eof", "reset", ...: the enum's own name.
std::string_view close_reason_label(CloseReason reason);

// What the client's side of a conversation came to (protocol/conversation.hpp).
enum class Ending : std::uint8_t { none, said_exit, too_long, end_of_stream };

// The one rule for why a session ended. The server's own decision (idle,
// shutdown) comes first: it is what made the last read or write fail. Then a
// failed read or write, then what the client said.
CloseReason decide_close_reason(std::optional<CloseReason> ended_by_server, bool io_failed,
                                Ending ending);

}  // namespace hello::protocol
