#pragma once
// What the server says. Byte for byte what the tutorial's server says to its
// clients, plus a line ending for clients that speak in lines.

#include <string>
#include <string_view>

#include "protocol/framing.hpp"

namespace hello::protocol {

// Sent on connect, with no line ending: the tutorial's client prints exactly
// what one recv() gives it.
inline constexpr std::string_view greeting = "Welcome!";

// Appends the answer to `message` to `out`: "Hello, X!", and for a line
// message a '\n'. The first line message also ends the greeting's line first,
// so that `nc` shows "Welcome!" and each reply on lines of their own.
void append_reply(std::string& out, const Message& message);

// Error replies are whole lines starting with "error: ", sent just before the
// server closes the connection. `line_open` says the client's current line is
// unfinished ("Welcome!" or a raw "Hello, X!" has no line ending), so the
// error starts a line of its own.
std::string error_reply(std::string_view reason, bool line_open);

inline constexpr std::string_view too_long_reason = "message too long";

}  // namespace hello::protocol
