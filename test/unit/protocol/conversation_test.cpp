#include "protocol/conversation.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace hello::protocol;

namespace {

// Answers every message the conversation yields, as the session does without
// --delay; returns the texts answered.
std::vector<std::string> answer_all(Conversation& conversation)
{
    std::vector<std::string> answered;
    while (const auto message = conversation.next_message()) {
        answered.emplace_back(message->text);
        conversation.answer(*message);
    }
    return answered;
}

}  // namespace

TEST_SUITE("conversation")
{
    TEST_CASE("a new conversation owes the greeting and waits for input")
    {
        Conversation conversation(4096);
        CHECK(conversation.owed() == "Welcome!");
        CHECK_FALSE(conversation.next_message());
        CHECK(conversation.needs_input());
        CHECK(conversation.ending() == Ending::none);
    }

    TEST_CASE("the tutorial's client: raw messages, one reply each, then exit")
    {
        Conversation conversation(4096);
        conversation.sent(conversation.owed().size());
        conversation.received("Michael");
        CHECK(answer_all(conversation) == std::vector<std::string>{"Michael"});
        CHECK(conversation.owed() == "Hello, Michael!");
        CHECK(conversation.needs_input());
        conversation.sent(conversation.owed().size());
        conversation.received("exit");
        CHECK(answer_all(conversation).empty());
        CHECK(conversation.owed().empty());
        CHECK(conversation.ending() == Ending::said_exit);
        CHECK_FALSE(conversation.needs_input());
    }

    TEST_CASE("pipelined lines are all owed after one read; what was sent leaves the front")
    {
        Conversation conversation(4096);
        conversation.received("Ann\nBo\r\nexit\nnever\n");
        CHECK(answer_all(conversation) == std::vector<std::string>{"Ann", "Bo"});
        CHECK(conversation.owed() == "Welcome!\nHello, Ann!\nHello, Bo!\n");
        CHECK(conversation.ending() == Ending::said_exit);
        conversation.sent(9);
        CHECK(conversation.owed() == "Hello, Ann!\nHello, Bo!\n");
    }

    TEST_CASE("one message at a time, as --delay answers: more waits without a read")
    {
        Conversation conversation(4096);
        conversation.received("a\nb\n");
        const auto first = conversation.next_message();
        REQUIRE(first);
        conversation.answer(*first);
        CHECK_FALSE(conversation.needs_input());  // "b" is still there
        const auto second = conversation.next_message();
        REQUIRE(second);
        CHECK(second->text == "b");
        CHECK_FALSE(conversation.next_message());
        CHECK(conversation.needs_input());
    }

    TEST_CASE("a message over the limit ends it with the error line owed")
    {
        Conversation conversation(4);
        conversation.sent(conversation.owed().size());
        conversation.received("toolong");
        CHECK(answer_all(conversation).empty());
        CHECK(conversation.ending() == Ending::too_long);
        CHECK(conversation.owed() == "\nerror: message too long\n");
    }

    TEST_CASE("the end of the stream answers a last unfinished line, then ends")
    {
        Conversation conversation(4096);
        conversation.received("a\nb");
        CHECK(answer_all(conversation) == std::vector<std::string>{"a"});
        CHECK(conversation.needs_input());
        conversation.received_end_of_stream();
        CHECK(answer_all(conversation) == std::vector<std::string>{"b"});
        CHECK(conversation.ending() == Ending::end_of_stream);
    }

    TEST_CASE(
        "why a session ended: the server's decision first, then a failed write, then the client")
    {
        CHECK(decide_close_reason(CloseReason::idle, true, Ending::none) == CloseReason::idle);
        CHECK(decide_close_reason(CloseReason::shutdown, false, Ending::end_of_stream) ==
              CloseReason::shutdown);
        CHECK(decide_close_reason(std::nullopt, true, Ending::said_exit) == CloseReason::reset);
        CHECK(decide_close_reason(std::nullopt, false, Ending::said_exit) == CloseReason::exit);
        CHECK(decide_close_reason(std::nullopt, false, Ending::too_long) == CloseReason::too_long);
        CHECK(decide_close_reason(std::nullopt, false, Ending::end_of_stream) == CloseReason::eof);
        CHECK(decide_close_reason(std::nullopt, false, Ending::none) == CloseReason::failed);
    }

    TEST_CASE("every close reason's label is its own one word")
    {
        std::vector<std::string> labels;
        for (const auto& each : close_reasons) {
            labels.emplace_back(each.label);
        }
        CHECK(labels == std::vector<std::string>{"exit", "eof", "reset", "too_long", "idle",
                                                 "shutdown", "failed", "proxy_header"});
    }
}
