#include <doctest/doctest.h>

#include <string>

#include "protocol/printable.hpp"

using hello::protocol::printable;

TEST_SUITE("printable")
{
    TEST_CASE("printable ASCII is kept")
    {
        CHECK(printable("Hello, Tracy!") == "Hello, Tracy!");
    }

    TEST_CASE("controls, escapes and non-ASCII bytes are escaped")
    {
        CHECK(printable("a\nb\r\tc\\") == "a\\nb\\r\\tc\\\\");
        CHECK(printable(std::string("\0\x1b[31m", 6)) == "\\x00\\x1b[31m");
        CHECK(printable("\xc3\xa9\xff") == "\\xc3\\xa9\\xff");
    }

    TEST_CASE("long input is cut, and says so")
    {
        CHECK(printable(std::string(100, 'x'), 4) == "xxxx...");
        CHECK(printable("abcd", 4) == "abcd");
    }
}
