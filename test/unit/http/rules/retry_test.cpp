#include <doctest/doctest.h>

#include "http/rules/retry.hpp"

using namespace hello::http;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

TEST_SUITE_BEGIN("http_retry");

TEST_CASE("curl's transient statuses")
{
    for (const int code : {408, 429, 500, 502, 503, 504}) {
        CHECK(is_transient_status(code));
    }
    for (const int code : {200, 301, 304, 400, 401, 403, 404, 501, 505}) {
        CHECK_FALSE(is_transient_status(code));
    }
}

TEST_CASE("back-off: 1 s doubling, up to 10 minutes, within --retry N")
{
    RetryOptions options;
    options.retries = 20;
    CHECK(retry_wait(options, true, 0, 0ms, std::nullopt) == milliseconds(1000));
    CHECK(retry_wait(options, true, 1, 0ms, std::nullopt) == milliseconds(2000));
    CHECK(retry_wait(options, true, 3, 0ms, std::nullopt) == milliseconds(8000));
    CHECK(retry_wait(options, true, 15, 0ms, std::nullopt) == milliseconds(600'000));
    CHECK_FALSE(retry_wait(options, true, 20, 0ms, std::nullopt));
    CHECK_FALSE(retry_wait(options, false, 0, 0ms, std::nullopt));
    CHECK_FALSE(retry_wait(RetryOptions{}, true, 0, 0ms, std::nullopt));
}

TEST_CASE("Retry-After wins over --retry-delay, which wins over the back-off")
{
    RetryOptions options;
    options.retries = 3;
    options.delay = 250ms;
    CHECK(retry_wait(options, true, 2, 0ms, std::nullopt) == 250ms);
    CHECK(retry_wait(options, true, 2, 0ms, std::chrono::seconds(3)) == 3000ms);
    CHECK(retry_wait(options, true, 0, 0ms, std::chrono::hours(5)) == milliseconds(600'000));
}

TEST_CASE("--retry-max-time: curl decides before the wait, and checks only Retry-After's")
{
    RetryOptions options;
    options.retries = 5;
    options.max_time = 10'000ms;
    CHECK(retry_wait(options, true, 0, 8'000ms, std::nullopt) == 1000ms);
    CHECK(retry_wait(options, true, 2, 8'000ms, std::nullopt) ==
          4000ms);  // ends at 12 s: curl waits
    CHECK(retry_wait(options, true, 0, 9'999ms, std::nullopt) == 1000ms);
    CHECK_FALSE(retry_wait(options, true, 0, 10'000ms, std::nullopt));
    CHECK_FALSE(retry_wait(options, true, 0, 9'500ms, std::chrono::seconds(1)));
    CHECK(retry_wait(options, true, 0, 8'500ms, std::chrono::seconds(1)) == 1000ms);
}

TEST_CASE("a refused connection is retried only with --retry-connrefused or --retry-all-errors")
{
    RetryOptions options;
    CHECK(worth_retrying(options, FailureKind::transient));
    CHECK_FALSE(worth_retrying(options, FailureKind::refused));
    CHECK_FALSE(worth_retrying(options, FailureKind::other));
    options.connection_refused = true;
    CHECK(worth_retrying(options, FailureKind::refused));
    CHECK_FALSE(worth_retrying(options, FailureKind::other));
    options = RetryOptions{};
    options.all_errors = true;
    CHECK(worth_retrying(options, FailureKind::refused));
    CHECK(worth_retrying(options, FailureKind::other));
}

TEST_CASE("Retry-After: seconds or an IMF-fixdate; anything else is ignored")
{
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(784111777));
    // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
    CHECK(parse_retry_after("120", now) == std::chrono::seconds(120));
    CHECK(parse_retry_after(" 0 ", now) == std::chrono::seconds(0));
    CHECK(parse_retry_after("99999999999", now) == std::chrono::seconds(86400));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now) == std::chrono::seconds(30));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == std::chrono::seconds(0));
    CHECK(parse_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", now) == std::chrono::seconds(0));
    CHECK(parse_retry_after("Fri, 27 Nov 2026 15:00:00 GMT",
                            std::chrono::system_clock::time_point(
                                std::chrono::seconds(1795791600))) == std::chrono::seconds(0));
    for (const auto bad : {"", "-5", "1.5", "soon", "Sun, 06 Nov 1994 08:49:37 UTC",
                           "Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 06 Xyz 1994 08:49:37 GMT",
                           "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_retry_after(bad, now));
    }
}

TEST_SUITE_END();
