#include <doctest/doctest.h>

#include "bench/exchange.hpp"
#include "bench/source_address.hpp"

using hello::bench::exchange_for;
using hello::bench::loopback_source_octet;
using hello::protocol::Framing;

TEST_SUITE("bench_exchange") {

TEST_CASE("raw framing: bare names and bare replies, as the tutorial's client")
{
    const auto exchange = exchange_for(Framing::raw, "bench7");
    CHECK(exchange.request == "bench7");
    CHECK(exchange.first_reply == "Hello, bench7!");
    CHECK(exchange.reply == "Hello, bench7!");
    CHECK(exchange.goodbye == "exit");
}

TEST_CASE("line framing: the first reply also ends the greeting's line")
{
    const auto exchange = exchange_for(Framing::line, "bench7");
    CHECK(exchange.request == "bench7\n");
    CHECK(exchange.first_reply == "\nHello, bench7!\n");
    CHECK(exchange.reply == "Hello, bench7!\n");
    CHECK(exchange.goodbye == "exit\n");
}

TEST_CASE("source addresses: the kernel's choice until ports could run out")
{
    CHECK_FALSE(loopback_source_octet(0, 10'000).has_value());
    CHECK_FALSE(loopback_source_octet(24'999, 25'000).has_value());
    CHECK(loopback_source_octet(0, 60'000) == 1);
    CHECK(loopback_source_octet(24'999, 60'000) == 1);
    CHECK(loopback_source_octet(25'000, 60'000) == 2);
    CHECK(loopback_source_octet(59'999, 60'000) == 3);
    // Wraps within 127.0.0.1-254, never .0 or .255.
    CHECK(loopback_source_octet(254 * 25'000, 300 * 25'000) == 1);
}

}
