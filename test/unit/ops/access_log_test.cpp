#include "ops/access_log.hpp"

#include <doctest/doctest.h>

TEST_SUITE_BEGIN("access_log");

using namespace hello::ops;
using namespace std::chrono_literals;

TEST_CASE("the close line says why and how much, in words")
{
    const SessionTotals totals{.duration = 5002ms, .messages = 3, .bytes_in = 21, .bytes_out = 60};
    CHECK(
        close_line_text("127.0.0.1:4000", CloseReason::idle, totals) ==
        "Connection from 127.0.0.1:4000 closed (idle timeout) after 5.002s: 3 messages, 21 bytes in, 60 bytes out.");
    CHECK(close_line_text("[::1]:5", CloseReason::exit,
                          SessionTotals{.duration = 1600us, .messages = 1}) ==
          "Connection from [::1]:5 closed after 0.002s: 1 message, 0 bytes in, 0 bytes out.");
}

TEST_CASE("every reason but a goodbye is named")
{
    CHECK(close_reason_words(CloseReason::exit) == "");
    CHECK(close_reason_words(CloseReason::eof) == "");
    CHECK(close_reason_words(CloseReason::reset) == " (connection reset)");
    CHECK(close_reason_words(CloseReason::too_long) == " (message too long)");
    CHECK(close_reason_words(CloseReason::idle) == " (idle timeout)");
    CHECK(close_reason_words(CloseReason::shutdown) == " (server shutting down)");
    CHECK(close_reason_words(CloseReason::failed) == " (session failed)");
    CHECK(close_reason_words(CloseReason::proxy_header) == " (no valid PROXY protocol header)");
}

TEST_SUITE_END();
