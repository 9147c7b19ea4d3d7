#pragma once
// What a message asks of the server. Every message is classified once, here,
// and the conversation switches on the answer: a new command is one enum
// value, one row and one case there.

#include <array>
#include <cstdint>
#include <string_view>

namespace hello::protocol {

enum class Command : std::uint8_t {
    greet,  // any other message: a name, answered "Hello, NAME!"
    exit,   // ends the conversation, unanswered
};

struct CommandWord {
    std::string_view word;  // the whole message, after framing ("exit\r\n" counts)
    Command command;
};

inline constexpr std::array command_words{
    CommandWord{"exit", Command::exit},
};

constexpr Command classify(std::string_view message)
{
    for (const auto& each : command_words) {
        if (message == each.word) {
            return each.command;
        }
    }
    return Command::greet;
}

}  // namespace hello::protocol
