#include <doctest/doctest.h>

#include "protocol/reply_reader.hpp"

using namespace hello::protocol;

TEST_SUITE("reply_reader")
{
    TEST_CASE("the expected reply is the server's, without line ending")
    {
        CHECK(expected_reply("Sarah") == "Hello, Sarah!");
    }

    TEST_CASE("a reply split by TCP is read on until it is whole")
    {
        CHECK_FALSE(reply_complete("Welcome!", ""));
        CHECK_FALSE(reply_complete("Welcome!", "Wel"));
        CHECK(reply_complete("Welcome!", "Welcome!"));
    }

    TEST_CASE("an unexpected reply is taken as it comes, so the client never waits forever")
    {
        CHECK(reply_complete("Welcome!", "Hi"));
        CHECK(reply_complete("Welcome!", "error: server busy, try again later\n"));
        CHECK(reply_complete("Hello, Bob!", "Hello, Bob!\n"));
    }

    TEST_CASE("printed text loses the server's line ending, whichever it was")
    {
        CHECK(reply_text("Hello, Bob!") == "Hello, Bob!");
        CHECK(reply_text("Hello, Bob!\n") == "Hello, Bob!");
        CHECK(reply_text("Hello, Bob!\r\n") == "Hello, Bob!");
    }

    TEST_CASE("server errors are recognised, also after the greeting's open line")
    {
        CHECK(server_error("error: server busy") == "server busy");
        CHECK(server_error("\nerror: message too long") == "message too long");
        CHECK(server_error("Hello, error: x!").empty());
        CHECK(server_error("Welcome!").empty());
    }
}
