#include <doctest/doctest.h>

#include <string>

#include "protocol/command.hpp"
#include "protocol/refusal.hpp"
#include "protocol/replies.hpp"

using namespace hello::protocol;

TEST_SUITE("replies")
{
    TEST_CASE("the greeting is the tutorial's, without line ending")
    {
        CHECK(greeting == "Welcome!");
    }

    TEST_CASE("raw replies are byte for byte the tutorial's")
    {
        std::string out;
        append_reply(out, Message{"Michael", Framing::raw});
        CHECK(out == "Hello, Michael!");
    }

    TEST_CASE("line replies end with a newline; the first one also ends the greeting's line")
    {
        std::string out;
        append_reply(out, Message{"Michael", Framing::line, true});
        append_reply(out, Message{"Tracy", Framing::line});
        CHECK(out == "\nHello, Michael!\nHello, Tracy!\n");
    }

    TEST_CASE("an empty message and arbitrary bytes are answered like any other")
    {
        std::string out;
        append_reply(out, Message{"", Framing::line});
        append_reply(out, Message{"\xff\x00", Framing::line});
        CHECK(out == std::string("Hello, !\nHello, \xff!\n"));
    }

    TEST_CASE("exit is exactly the four letters, after framing")
    {
        CHECK(classify("exit") == Command::exit);
        CHECK(classify("EXIT") == Command::greet);
        CHECK(classify("Exit") == Command::greet);
        CHECK(classify(" exit") == Command::greet);
        CHECK(classify("exit ") == Command::greet);
        CHECK(classify("exit\r") == Command::greet);
        CHECK(classify("exits") == Command::greet);
        CHECK(classify("") == Command::greet);
    }

    TEST_CASE("error replies are whole lines that start a line of their own")
    {
        CHECK(error_reply(too_long_reason, true) == "\nerror: message too long\n");
        CHECK(error_reply(describe(Refusal::busy).reason, false) ==
              "error: server busy, try again later\n");
    }
}
