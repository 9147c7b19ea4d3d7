#include <doctest/doctest.h>

#include "http/rules/failures.hpp"
#include "http/rules/time_limits.hpp"

using namespace hello::http;
using namespace std::chrono_literals;
using clock_type = TransferClock::clock;

namespace {

TimeLimits limits(std::optional<std::chrono::milliseconds> max_time,
                  std::chrono::milliseconds connect_timeout = 30s)
{
    TimeLimits limits;
    limits.max_time = max_time;
    limits.connect_timeout = connect_timeout;
    return limits;
}

}  // namespace

TEST_SUITE_BEGIN("http_time_limits");

TEST_CASE("by default only the stall limit bounds a read")
{
    const auto start = clock_type::now();
    const TransferClock clock(TimeLimits{}, start);
    const auto limit = clock.for_transfer(start + 10h);
    CHECK(limit.left == 60s);
    CHECK(limit.description == "--stall-timeout 60s (no byte received)");
}

TEST_CASE("--max-time takes over when less of it is left than the stall limit")
{
    const auto start = clock_type::now();
    const TransferClock clock(limits(2500ms), start);
    CHECK(clock.for_transfer(start).left == 2500ms);
    CHECK(clock.for_transfer(start).description == "--max-time 2.5s (the whole transfer)");
    CHECK(clock.for_transfer(start + 2s).left == 500ms);
    // Spent: zero, never negative, and the check throws naming it.
    const auto spent = clock.for_transfer(start + 3s);
    CHECK(spent.left == 0s);
    CHECK_THROWS_WITH_AS(check_time_left(spent, "reading the body"),
                         "timed out reading the body: "
                         "--max-time 2.5s (the whole transfer) ran out",
                         TimedOut);
    CHECK_NOTHROW(check_time_left(clock.for_transfer(start), "reading the body"));
}

TEST_CASE("connecting: --connect-timeout from its own start, or --max-time if sooner")
{
    const auto start = clock_type::now();
    const TransferClock clock(limits(100s, 5s), start);
    const auto second_connection = start + 97s;
    const auto limit = clock.for_connect(second_connection, second_connection + 1s);
    CHECK(limit.left == 2s);  // 3 s of the total left, 4 s of the connect limit
    CHECK(limit.description.starts_with("--max-time 100s"));
    const auto early = clock.for_connect(start + 10s, start + 11s);
    CHECK(early.left == 4s);
    CHECK(early.description == "--connect-timeout 5s (resolve, connect and TLS handshake)");
}

TEST_SUITE_END();
