#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "cli/arguments.hpp"
#include "cli/values.hpp"

using namespace hello::cli;
using namespace std::chrono_literals;

TEST_SUITE("cli")
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
        CHECK_THROWS_AS(parse_duration("1.5s"), UsageError);
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

    TEST_CASE("options take '--name value' and '--name=value'; flags take no value")
    {
        const std::vector<std::string_view> args{"--port", "1", "--host=::1", "-q", "name", "--", "-x"};
        ArgumentWalker walker(args);
        CHECK(walker.option("--port", "-p") == "1");
        CHECK(walker.option("--port", "-p") == std::nullopt);
        CHECK(walker.option("--host") == "::1");
        CHECK(walker.flag("--quiet", "-q"));
        CHECK(walker.positional() == "name");
        CHECK(walker.positional() == "-x");  // after "--" everything is positional
        CHECK(walker.done());
    }

    TEST_CASE("mistakes are usage errors")
    {
        const std::vector<std::string_view> missing{"--port"};
        ArgumentWalker a(missing);
        CHECK_THROWS_AS(a.option("--port"), UsageError);

        const std::vector<std::string_view> valued_flag{"--quiet=yes"};
        ArgumentWalker b(valued_flag);
        CHECK_THROWS_AS(b.flag("--quiet"), UsageError);

        const std::vector<std::string_view> unknown{"--bogus"};
        ArgumentWalker c(unknown);
        CHECK_FALSE(c.positional());
        CHECK(std::string(c.unknown().what()) == "unknown option '--bogus'");
    }
}
