#include "ops/access_log.hpp"

#include <doctest/doctest.h>

TEST_SUITE_BEGIN("access_log");

using namespace hello::ops;
using hello::protocol::describe;
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
    CHECK(describe(CloseReason::exit).words == "");
    CHECK(describe(CloseReason::eof).words == "");
    CHECK(describe(CloseReason::reset).words == " (connection reset)");
    CHECK(describe(CloseReason::too_long).words == " (message too long)");
    CHECK(describe(CloseReason::idle).words == " (idle timeout)");
    CHECK(describe(CloseReason::shutdown).words == " (server shutting down)");
    CHECK(describe(CloseReason::failed).words == " (session failed)");
    CHECK(describe(CloseReason::proxy_header).words == " (no valid PROXY protocol header)");
}

TEST_SUITE_END();
