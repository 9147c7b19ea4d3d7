#include <doctest/doctest.h>

#include <string>

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
        CHECK(is_exit("exit"));
        CHECK_FALSE(is_exit("EXIT"));
        CHECK_FALSE(is_exit("Exit"));
        CHECK_FALSE(is_exit(" exit"));
        CHECK_FALSE(is_exit("exit "));
        CHECK_FALSE(is_exit("exit\r"));
        CHECK_FALSE(is_exit("exits"));
        CHECK_FALSE(is_exit(""));
    }

    TEST_CASE("error replies are whole lines that start a line of their own")
    {
        CHECK(error_reply(too_long_reason, true) == "\nerror: message too long\n");
        CHECK(error_reply(busy_reason, false) == "error: server busy, try again later\n");
    }
}
