#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/arguments.hpp"
#include "cli/values.hpp"

using namespace hello::cli;
using namespace std::chrono_literals;

TEST_SUITE("cli_values")
{
    TEST_CASE("ports: 0 to 65535, digits only")
    {
        CHECK(parse_port("0") == 0);
        CHECK(parse_port("9999") == 9999);
        CHECK(parse_port("65535") == 65535);
        CHECK_THROWS_AS(parse_port("65536"), UsageError);
        CHECK_THROWS_AS(parse_port("-1"), UsageError);
        CHECK_THROWS_AS(parse_port("99x"), UsageError);
        CHECK_THROWS_AS(parse_port(""), UsageError);
        CHECK_THROWS_AS(parse_port("99999999999999999999999"), UsageError);
    }

    TEST_CASE("durations: fractions too, as curl's seconds, rounded to the millisecond")
    {
        CHECK(parse_duration("1.5s") == 1500ms);
        CHECK(parse_duration("0.5") == 500ms);
        CHECK(parse_duration(".25") == 250ms);
        CHECK(parse_duration("2.5m") == 150s);
        CHECK(parse_duration("0.0004") == 0ms);
        CHECK_THROWS_AS(parse_duration("1.2.3s"), UsageError);
        CHECK_THROWS_AS(parse_duration("."), UsageError);
        CHECK_THROWS_AS(parse_duration("24.001h"), UsageError);
    }

    TEST_CASE("durations are echoed in the words they are written in")
    {
        CHECK(format_duration(250ms) == "250ms");
        CHECK(format_duration(1500ms) == "1.5s");
        CHECK(format_duration(1250ms) == "1.25s");
        CHECK(format_duration(2s) == "2s");
        CHECK(format_duration(5min) == "300s");
        CHECK(format_duration(0ms) == "0ms");
        for (const auto* text : {"250ms", "1.5s", "30s", "300s", "1.001s"}) {
            CHECK(format_duration(parse_duration(text)) == text);
        }
    }

    TEST_CASE("hosts: an IPv6 address may be in brackets, as the programs print it")
    {
        CHECK(parse_host("[::1]") == "::1");
        CHECK(parse_host("::1") == "::1");
        CHECK(parse_host("localhost") == "localhost");
        CHECK(parse_host("127.0.0.1") == "127.0.0.1");
        CHECK_THROWS_AS(parse_host("[::1"), UsageError);
        CHECK_THROWS_AS(parse_host("::1]"), UsageError);
        CHECK_THROWS_AS(parse_host("[]"), UsageError);
        CHECK_THROWS_AS(parse_host("[localhost]"), UsageError);
    }

    TEST_CASE("durations: a number and a unit, bare numbers are seconds")
    {
        CHECK(parse_duration("250ms") == 250ms);
        CHECK(parse_duration("1s") == 1s);
        CHECK(parse_duration("3") == 3s);
        CHECK(parse_duration("5m") == 5min);
        CHECK(parse_duration("2h") == 2h);
        CHECK(parse_duration("0") == 0s);
        CHECK(parse_duration("24h") == 24h);
        CHECK_THROWS_AS(parse_duration("25h"), UsageError);
        CHECK_THROWS_AS(parse_duration("1d"), UsageError);
        CHECK_THROWS_AS(parse_duration("s"), UsageError);
        CHECK_THROWS_AS(parse_duration("-1s"), UsageError);
        CHECK_THROWS_AS(parse_duration("18446744073709551615ms"), UsageError);
    }

    TEST_CASE("counts are range-checked")
    {
        CHECK(parse_count("5", "thing", 1, 10) == 5);
        CHECK_THROWS_AS(parse_count("0", "thing", 1, 10), UsageError);
        CHECK_THROWS_AS(parse_count("11", "thing", 1, 10), UsageError);
    }

    TEST_CASE("a port to connect to: 1 to 65535, with one message for the whole range")
    {
        auto error_of = [](std::uint16_t (*parse)(std::string_view), std::string_view text) {
            try {
                parse(text);
            } catch (const UsageError& error) {
                return std::string(error.what());
            }
            return std::string("accepted");
        };
        CHECK(parse_remote_port("1") == 1);
        CHECK(parse_remote_port("65535") == 65535);
        for (const auto* text : {"0", "65536", "x"}) {
            CHECK(error_of(parse_remote_port, text) ==
                  fmt::format("invalid port '{}' (expected a whole number from 1 to 65535)", text));
        }
        for (const auto* text : {"65536", "-1", "x"}) {
            CHECK(error_of(parse_port, text) ==
                  fmt::format("invalid port '{}' (expected a whole number from 0 to 65535)", text));
        }
    }
}
