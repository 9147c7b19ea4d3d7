#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

#include "loadgen/pacing.hpp"
#include "loadgen/schedule.hpp"

using namespace std::chrono_literals;
using hello::loadgen::due_after;
using hello::loadgen::Pacing;
using Clock = Pacing::Clock;

namespace {

const Clock::time_point start{1h};

// Thread 1 of 3 over 7 connections at 7 messages per second: connections 1
// and 4 are its, their messages due at (7m + 1) / 7 s and (7m + 4) / 7 s.
Pacing thread_one_of_three()
{
    return Pacing(1, 3, 2, 7, 7);
}

std::vector<std::size_t> release(Pacing& pacing, Clock::time_point now, bool& ended)
{
    std::vector<std::size_t> positions;
    ended = pacing.release_due(now, [&](std::size_t position) { positions.push_back(position); });
    return positions;
}

}  // namespace

TEST_SUITE("bench_pacing")
{
    TEST_CASE("the first message due is the thread's first connection's")
    {
        auto pacing = thread_one_of_three();
        pacing.start(start, start + 2s);
        REQUIRE(pacing.next_due().has_value());
        CHECK(*pacing.next_due() == start + due_after(1, 7));
        CHECK(*pacing.next_due() == pacing.due_time(1, 0));
        CHECK(pacing.due_time(4, 1) == start + due_after(11, 7));
    }

    TEST_CASE("messages are released in the order they fall due, and only once")
    {
        auto pacing = thread_one_of_three();
        pacing.start(start, start + 2s);
        bool ended = true;
        CHECK(release(pacing, start + 100ms, ended).empty());
        CHECK_FALSE(ended);
        // 1/7 s and 4/7 s have passed, 8/7 s not yet.
        CHECK(release(pacing, start + 1s, ended) == std::vector<std::size_t>{0, 1});
        CHECK_FALSE(ended);
        CHECK(release(pacing, start + 1s, ended).empty());
        CHECK(*pacing.next_due() == pacing.due_time(1, 1));
        // 8/7 s and 11/7 s; 15/7 s is after the deadline but not yet now.
        CHECK(release(pacing, start + 2s, ended) == std::vector<std::size_t>{0, 1});
        CHECK_FALSE(ended);
        CHECK_FALSE(pacing.over());
    }

    TEST_CASE("the schedule ends once, at the first message due at the deadline or later")
    {
        auto pacing = thread_one_of_three();
        pacing.start(start, start + 2s);
        bool ended = false;
        CHECK(release(pacing, start + 3s, ended) == std::vector<std::size_t>{0, 1, 0, 1});
        CHECK(ended);
        CHECK(pacing.over());
        CHECK_FALSE(pacing.next_due().has_value());
        CHECK(release(pacing, start + 4s, ended).empty());
        CHECK_FALSE(ended);
    }

    TEST_CASE("the threads' walks share out the run's schedule exactly")
    {
        constexpr std::size_t connections = 7;
        constexpr std::size_t threads = 3;
        constexpr std::uint64_t rate = 5;
        const auto deadline = start + 3s;
        std::vector<Clock::time_point> released;
        for (std::size_t thread = 0; thread < threads; ++thread) {
            const auto count = (connections - thread - 1) / threads + 1;
            Pacing pacing(thread, threads, count, connections, rate);
            pacing.start(start, deadline);
            std::vector<std::uint64_t> sent(count);
            auto last = Clock::time_point::min();
            pacing.release_due(deadline + 1s, [&](std::size_t position) {
                const auto due = pacing.due_time(thread + position * threads, sent[position]++);
                CHECK(due >= last);
                last = due;
                released.push_back(due);
            });
        }
        // Messages 0 to 14 of the run are due before 3 s at 5 a second.
        REQUIRE(released.size() == 15);
        std::sort(released.begin(), released.end());
        for (std::uint64_t number = 0; number < released.size(); ++number) {
            CHECK(released[number] == start + due_after(number, rate));
        }
    }
}
