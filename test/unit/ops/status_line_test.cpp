#include "ops/status_line.hpp"

#include <doctest/doctest.h>

TEST_SUITE_BEGIN("status_line");

using namespace hello::ops;

TEST_CASE("the status in one line")
{
    CountersSnapshot counters;
    counters.connections_open = 3;
    counters.accepted = 120;
    counters.rejected[static_cast<std::size_t>(hello::protocol::Refusal::busy)] = 2;
    counters.messages = 4051;
    counters.received_bytes = 40'512;
    counters.sent_bytes = 61'003;
    CHECK(status_line(counters) ==
          "3 connections open; 120 accepted, 2 turned away; 4051 messages; 41 kB in, 61 kB out");
}

TEST_CASE("one of each is singular; nothing yet is zero")
{
    CountersSnapshot counters;
    CHECK(status_line(counters) ==
          "0 connections open; 0 accepted, 0 turned away; 0 messages; 0 B in, 0 B out");
    counters.connections_open = 1;
    counters.messages = 1;
    CHECK(status_line(counters) ==
          "1 connection open; 0 accepted, 0 turned away; 1 message; 0 B in, 0 B out");
}

TEST_CASE("bytes for people")
{
    CHECK(human_bytes(0) == "0 B");
    CHECK(human_bytes(999) == "999 B");
    CHECK(human_bytes(1000) == "1.0 kB");
    CHECK(human_bytes(1234) == "1.2 kB");
    CHECK(human_bytes(9'940) == "9.9 kB");
    CHECK(human_bytes(9'960) == "10 kB");
    CHECK(human_bytes(999'000) == "999 kB");
    CHECK(human_bytes(999'600) == "1.0 MB");
    CHECK(human_bytes(5'600'000) == "5.6 MB");
    CHECK(human_bytes(18'446'744'073'709'551'615ULL) == "18 EB");
}

TEST_SUITE_END();
