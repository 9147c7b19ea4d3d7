#pragma once
// One client's conversation as the protocol sees it, without a socket: what
// the client has said (framing.hpp), what it is owed (the replies not yet
// sent) and whether its side is over. The session coroutine
// (server/session.cpp) moves the bytes; every rule is here, unit-tested.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/close_reason.hpp"
#include "protocol/framing.hpp"

namespace hello::protocol {

class Conversation {
public:
    // A new conversation owes the greeting.
    explicit Conversation(std::size_t max_message);

    // Hands over what one read brought; the bytes must stay valid until
    // next_message() returns nothing.
    void received(std::string_view bytes)
    {
        framer_.received(bytes);
        answering_ = true;
    }
    void received_end_of_stream()
    {
        framer_.received_end_of_stream();
        answering_ = true;
    }

    // The next message to answer, or nothing when all that was received is
    // answered (then ending() says whether the client's side is over).
    // "exit" is not a message to answer: it ends the conversation; a message
    // over the limit ends it with the error line owed.
    std::optional<Message> next_message();
    // Owes the reply to `message`.
    void answer(const Message& message);

    // The bytes owed to the client, in the order they are due.
    std::string_view owed() const { return owed_; }
    // The first `size` bytes of owed() have been sent.
    void sent(std::size_t size) { owed_.erase(0, size); }

    // Whether next_message() has more without a read.
    bool needs_input() const { return ending_ == Ending::none && !answering_; }
    Ending ending() const { return ending_; }

private:
    Framer framer_;
    std::string owed_;
    Ending ending_ = Ending::none;
    bool answering_ = false;  // next_message() has not yet said "nothing more"
};

}  // namespace hello::protocol
