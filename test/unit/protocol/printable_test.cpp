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

    TEST_CASE("controls and escapes are escaped")
    {
        CHECK(printable("a\nb\r\tc\\") == "a\\nb\\r\\tc\\\\");
        CHECK(printable(std::string("\0\x1b[31m", 6)) == "\\x00\\x1b[31m");
    }

    TEST_CASE("well-formed UTF-8 is text: it is kept")
    {
        CHECK(printable("\xe4\xbd\xa0\xe5\xa5\xbd") == "\xe4\xbd\xa0\xe5\xa5\xbd");  // 你好
        CHECK(printable("caf\xc3\xa9") == "caf\xc3\xa9");
        CHECK(printable("\xf0\x9f\x98\x80!") == "\xf0\x9f\x98\x80!");  // U+1F600
    }

    TEST_CASE("invalid UTF-8 is escaped byte by byte")
    {
        CHECK(printable("\xc3\xa9\xff") == "\xc3\xa9\\xff");
        CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");                    // overlong '/'
        CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");           // a surrogate
        CHECK(printable("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
        CHECK(printable("\xe4\xbd") == "\\xe4\\xbd");                    // cut short
        CHECK(printable("\xe4\xbd"
                        "A") == "\\xe4\\xbd"
                                "A");
    }

    TEST_CASE("characters that could forge a log line are escaped, though valid")
    {
        // a right-to-left override would show "evil" as "live" and reorder the rest of the line
        CHECK(printable("\xe2\x80\xaelive") == "\\xe2\\x80\\xaelive");
        CHECK(printable("\xc2\x85") == "\\xc2\\x85");  // NEL, a C1 control
        CHECK(printable("a\xe2\x80\xa8"
                        "b") == "a\\xe2\\x80\\xa8"
                                "b");                             // line separator
        CHECK(printable("\xe2\x81\xa6x") == "\\xe2\\x81\\xa6x");  // left-to-right isolate
        CHECK(printable("\xef\xbb\xbf") == "\\xef\\xbb\\xbf");    // byte order mark
    }

    TEST_CASE("long input is cut, and says so")
    {
        CHECK(printable(std::string(100, 'x'), 4) == "xxxx...");
        CHECK(printable("abcd", 4) == "abcd");
    }
}
