#include <doctest/doctest.h>

#include <variant>

#include "loadgen/exchange.hpp"
#include "loadgen/source_address.hpp"
#include "protocol/proxy_header.hpp"

using hello::loadgen::exchange_for;
using hello::loadgen::loopback_source_octet;
using hello::loadgen::proxy_v1_header;
using hello::loadgen::session_source_octet;
using hello::protocol::Framing;

TEST_SUITE("bench_exchange")
{

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

    TEST_CASE("--proxy-v1: a header hello_server's own parser accepts, naming the client")
    {
        const auto header = proxy_v1_header("127.0.0.2", 40112, "127.0.0.1", 9999);
        CHECK(header == "PROXY TCP4 127.0.0.2 127.0.0.1 40112 9999\r\n");
        const auto parsed = hello::protocol::parse_proxy_header(header);
        const auto* proxied = std::get_if<hello::protocol::ProxyHeader>(&parsed);
        REQUIRE(proxied != nullptr);
        CHECK(proxied->size == header.size());
        REQUIRE(proxied->source.has_value());
        CHECK(proxied->source->address == "127.0.0.2");
        CHECK(proxied->source->port == 40112);

        const auto v6 = proxy_v1_header("::1", 5, "::1", 9999);
        CHECK(v6 == "PROXY TCP6 ::1 ::1 5 9999\r\n");
        CHECK(std::holds_alternative<hello::protocol::ProxyHeader>(
            hello::protocol::parse_proxy_header(v6)));
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

    TEST_CASE("reconnecting sessions take 127.0.0.1 to 127.0.0.254 in turn")
    {
        CHECK(session_source_octet(0) == 1);
        CHECK(session_source_octet(1) == 2);
        CHECK(session_source_octet(253) == 254);
        CHECK(session_source_octet(254) == 1);
        CHECK(session_source_octet(254ULL * 1'000'000 + 7) == 8);
    }
}
