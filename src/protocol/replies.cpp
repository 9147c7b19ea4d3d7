#include "protocol/replies.hpp"

#include <fmt/format.h>

#include <iterator>

namespace hello::protocol {

// The hot path of the server: plain appends, no format string to parse.
void append_reply(std::string& out, const Message& message)
{
    if (message.first_line) {
        out += '\n';
    }
    out += "Hello, ";
    out += message.text;
    out += '!';
    if (message.framing == Framing::line) {
        out += '\n';
    }
}

std::string error_reply(std::string_view reason, bool line_open)
{
    return fmt::format("{}error: {}\n", line_open ? "\n" : "", reason);
}

}  // namespace hello::protocol
