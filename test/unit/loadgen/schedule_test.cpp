#include <doctest/doctest.h>

#include <chrono>

#include "loadgen/schedule.hpp"

using namespace std::chrono_literals;
using hello::loadgen::connections_of_thread;
using hello::loadgen::due_after;
using hello::loadgen::rate_of_thread;

TEST_SUITE("bench_schedule")
{

    TEST_CASE("message m is due m / rate seconds after the start")
    {
        CHECK(due_after(0, 1000) == 0ns);
        CHECK(due_after(1, 1000) == 1ms);
        CHECK(due_after(1000, 1000) == 1s);
        CHECK(due_after(1, 3) == 333'333'333ns);
        CHECK(due_after(2, 3) == 666'666'666ns);
        CHECK(due_after(3, 3) == 1s);  // no rounding carried over
    }

    TEST_CASE("an hour at 100 million a second does not overflow")
    {
        CHECK(due_after(360'000'000'000ULL, 100'000'000) == 3600s);
        CHECK(due_after(360'000'000'001ULL, 100'000'000) == 3600s + 10ns);
    }

    TEST_CASE("each connection has its own evenly spaced schedule, interleaved with the others")
    {
        // 4 connections at 1000/s: each sends every 4 ms, connection 1 one
        // millisecond after connection 0.
        CHECK(due_after(0, 1, 4, 1000) == 1ms);
        CHECK(due_after(1, 1, 4, 1000) == 5ms);
        CHECK(due_after(2, 3, 4, 1000) == 11ms);
    }

    TEST_CASE("threads share connections and rate out exactly")
    {
        CHECK(connections_of_thread(10, 3, 0) == 4);
        CHECK(connections_of_thread(10, 3, 1) == 3);
        CHECK(connections_of_thread(10, 3, 2) == 3);
        CHECK(connections_of_thread(2, 4, 3) == 0);
        double rate = 0;
        for (std::size_t thread = 0; thread < 3; ++thread) {
            rate += rate_of_thread(1000, 10, 3, thread);
        }
        CHECK(rate == doctest::Approx(1000));
        CHECK(rate_of_thread(1000, 10, 3, 0) == doctest::Approx(400));
        CHECK(rate_of_thread(3000, 4, 2, 1) == 1500);
    }
}
