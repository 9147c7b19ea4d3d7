#include "protocol/conversation.hpp"

#include <variant>

#include "protocol/command.hpp"
#include "protocol/replies.hpp"

namespace hello::protocol {

Conversation::Conversation(std::size_t max_message) : framer_(max_message), owed_(greeting) {}

std::optional<Message> Conversation::next_message()
{
    if (ending_ != Ending::none) {
        return std::nullopt;
    }
    const auto event = framer_.next();
    if (const auto* message = std::get_if<Message>(&event)) {
        switch (classify(message->text)) {
        case Command::greet: answering_ = true; return *message;
        case Command::exit: ending_ = Ending::said_exit; break;
        }
    } else if (std::holds_alternative<MessageTooLong>(event)) {
        owed_ += error_reply(too_long_reason, framer_.client_line_open());
        ending_ = Ending::too_long;
    } else if (std::holds_alternative<EndOfStream>(event)) {
        ending_ = Ending::end_of_stream;
    }
    answering_ = false;
    return std::nullopt;
}

void Conversation::answer(const Message& message)
{
    append_reply(owed_, message);
}

}  // namespace hello::protocol
