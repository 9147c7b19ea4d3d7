#include "protocol/replies.hpp"

#include <fmt/format.h>

#include <iterator>

namespace hello::protocol {

bool is_exit(std::string_view message)
{
    return message == "exit";
}

void append_reply(std::string& out, const Message& message)
{
    const bool line = message.framing == Framing::line;
    fmt::format_to(std::back_inserter(out), "{}Hello, {}!{}",
                   message.first_line ? "\n" : "", message.text, line ? "\n" : "");
}

std::string error_reply(std::string_view reason, bool line_open)
{
    return fmt::format("{}error: {}\n", line_open ? "\n" : "", reason);
}

}  // namespace hello::protocol
