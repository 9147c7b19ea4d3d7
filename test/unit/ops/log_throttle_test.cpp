#include "ops/log_throttle.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace std::chrono_literals;
using hello::ops::LogThrottle;
using Clock = LogThrottle::Clock;

TEST_SUITE_BEGIN("log_throttle");

TEST_CASE("log throttle: the first occurrence in full, then one summary per interval")
{
    LogThrottle throttle(1s);
    const auto start = Clock::now();
    CHECK(throttle.occurred(start));
    CHECK_FALSE(throttle.occurred(start + 10ms));
    CHECK_FALSE(throttle.occurred(start + 20ms));
    CHECK(throttle.summary_due(start + 500ms) == 0);  // not yet a second
    CHECK(throttle.summary_due(start + 1s) == 2);
    CHECK(throttle.summary_due(start + 3s) == 0);  // nothing new to sum up
    CHECK(throttle.occurred(start + 3s));          // quiet long enough: in full again
    CHECK(throttle.summary_due(start + 5s) == 0);  // and nothing left over
}

TEST_SUITE_END();
