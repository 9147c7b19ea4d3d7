#include <doctest/doctest.h>

#include "http/rules/trace.hpp"

using namespace hello::http;

TEST_SUITE_BEGIN("http_trace");

TEST_CASE("-v prefixes every line, CRLF or LF, and the empty line ending a head")
{
    CHECK(prefixed_lines("GET / HTTP/1.1\r\nHost: h\r\n\r\n", "> ") ==
          "> GET / HTTP/1.1\n> Host: h\n>\n");
    CHECK(prefixed_lines("HTTP/1.1 200 OK\nA: b\n", "< ") == "< HTTP/1.1 200 OK\n< A: b\n");
    CHECK(prefixed_lines("unterminated", "* ") == "* unterminated\n");
    CHECK(prefixed_lines("", "> ").empty());
}

TEST_SUITE_END();
