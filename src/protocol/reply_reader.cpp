#include "protocol/reply_reader.hpp"

#include <fmt/format.h>

namespace hello::protocol {

std::string expected_reply(std::string_view name)
{
    return fmt::format("Hello, {}!", name);
}

bool reply_complete(std::string_view expected, std::string_view received)
{
    const bool proper_prefix_of_expected =
        received.size() < expected.size() && expected.substr(0, received.size()) == received;
    return !received.empty() && !proper_prefix_of_expected;
}

std::string_view reply_text(std::string_view received)
{
    if (received.ends_with('\n')) {
        received.remove_suffix(1);
    }
    if (received.ends_with('\r')) {
        received.remove_suffix(1);
    }
    return received;
}

}  // namespace hello::protocol

namespace hello::protocol {

std::string_view server_error(std::string_view reply_text)
{
    constexpr std::string_view prefix = "error: ";
    while (reply_text.starts_with('\n')) {
        reply_text.remove_prefix(1);
    }
    return reply_text.starts_with(prefix) ? reply_text.substr(prefix.size()) : std::string_view{};
}

}  // namespace hello::protocol
