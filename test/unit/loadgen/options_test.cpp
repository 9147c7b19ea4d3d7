#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "cli/arguments.hpp"
#include "loadgen/options.hpp"

using hello::cli::UsageError;
using hello::loadgen::BenchCommand;
using hello::loadgen::parse_bench_command;
using hello::protocol::Framing;

namespace {

BenchCommand parse(std::vector<std::string_view> arguments, std::size_t cores = 8)
{
    return parse_bench_command(arguments, cores);
}

}  // namespace

TEST_SUITE("bench_options")
{

    TEST_CASE("defaults: one raw connection to 127.0.0.1:9999 for 10s")
    {
        const auto options = parse({}).options;
        CHECK(options.host == "127.0.0.1");
        CHECK(options.port == "9999");
        CHECK(options.connections == 1);
        CHECK(options.duration == std::chrono::seconds(10));
        CHECK_FALSE(options.messages_per_connection.has_value());
        CHECK(options.framing == Framing::raw);
        CHECK(options.threads == 1);
        CHECK_FALSE(options.json);
        CHECK_FALSE(options.proxy_v1);
        CHECK_FALSE(options.rate.has_value());
        CHECK(options.pipeline == 1);
        CHECK(options.latency_out.empty());
    }

    TEST_CASE("open loop, pipelining and the distribution file")
    {
        const auto options = parse({"--rate", "5000", "-P", "16", "--framing", "line",
                                    "--latency-out", "hist.txt", "-d", "30s"})
                                 .options;
        CHECK(options.rate == 5000);
        CHECK(options.pipeline == 16);
        CHECK(options.latency_out == "hist.txt");
        CHECK(parse({"-R", "10"}).options.rate == 10);  // wrk2's letter
        CHECK(parse({"--pipeline=4", "--framing=line"}).options.pipeline == 4);
        CHECK(parse({"-P", "1"}).options.pipeline == 1);  // one in flight is lockstep, raw is fine
    }

    TEST_CASE("combinations that cannot work are usage errors that say why")
    {
        CHECK_THROWS_WITH_AS(parse({"--rate", "100", "-n", "5"}),
                             "--rate and -n exclude each other: an open-loop run lasts a time (-d)",
                             UsageError);
        CHECK_THROWS_WITH_AS(parse({"-P", "2"}),
                             "-P needs --framing line: raw replies have no delimiter, so replies "
                             "to pipelined names could not be told apart",
                             UsageError);
        CHECK_THROWS_WITH_AS(parse({"--rate", "0"}),
                             "--rate 0 would send nothing (leave --rate out for a closed-loop run)",
                             UsageError);
        CHECK_THROWS_AS(parse({"--rate", "-5"}), UsageError);
        CHECK_THROWS_AS(parse({"--rate", "fast"}), UsageError);
        CHECK_THROWS_AS(parse({"-P", "0", "--framing", "line"}), UsageError);
        CHECK_THROWS_AS(parse({"-P", "257", "--framing", "line"}), UsageError);
        CHECK_THROWS_AS(parse({"--latency-out", ""}), UsageError);
    }

    TEST_CASE("--reconnect: the tutorial's session over and over, 3 names unless told")
    {
        CHECK_FALSE(parse({}).options.reconnect);
        const auto options = parse({"--reconnect", "-n", "20", "-c", "50"}).options;
        CHECK(options.reconnect);
        CHECK(options.names == 3);
        CHECK(options.messages_per_connection == 20);
        CHECK(parse({"--reconnect", "--names", "0"}).options.names == 0);
        CHECK(parse({"--reconnect", "--names", "7", "--rate", "500"}).options.rate == 500);
        CHECK_THROWS_WITH_AS(parse({"--names", "5"}),
                             "--names needs --reconnect: it counts the names of one session",
                             UsageError);
        CHECK_THROWS_WITH_AS(parse({"--reconnect", "-P", "4", "--framing", "line"}),
                             "--reconnect and -P exclude each other: the tutorial's client waits "
                             "for each reply",
                             UsageError);
        CHECK_THROWS_WITH_AS(parse({"--reconnect", "--proxy-v1"}),
                             "--reconnect and --proxy-v1 exclude each other: reconnecting "
                             "sessions send no PROXY header",
                             UsageError);
        CHECK_THROWS_AS(parse({"--reconnect", "--names", "-1"}), UsageError);
        CHECK_THROWS_AS(parse({"--reconnect", "--names", "three"}), UsageError);
    }

    TEST_CASE("every option, short and long")
    {
        const auto options = parse({"--host", "::1", "-p", "8080", "-c", "10000", "-n", "20",
                                    "--framing", "line", "--threads", "2", "--json"})
                                 .options;
        CHECK(options.host == "::1");
        CHECK(options.port == "8080");
        CHECK(options.connections == 10000);
        CHECK(options.messages_per_connection == 20);
        CHECK(options.framing == Framing::line);
        CHECK(options.threads == 2);
        CHECK(options.json);

        const auto timed = parse({"--connections=5", "--duration=250ms", "--port=1"}).options;
        CHECK(timed.connections == 5);
        CHECK(timed.duration == std::chrono::milliseconds(250));
    }

    TEST_CASE("--proxy-v1 asks for a PROXY header on every connection")
    {
        CHECK(parse({"--proxy-v1"}).options.proxy_v1);
    }

    TEST_CASE("--threads 0 means one per core")
    {
        CHECK(parse({"--threads", "0"}, 4).options.threads == 4);
        CHECK(parse({"--threads", "0"}, 0).options.threads == 1);  // unknown core count
    }

    TEST_CASE("help and version")
    {
        CHECK(parse({"--help"}).action == hello::cli::Action::help);
        CHECK(parse({"-h"}).action == hello::cli::Action::help);
        CHECK(parse({"--version"}).action == hello::cli::Action::version);
    }

    TEST_CASE("mistakes are usage errors")
    {
        CHECK_THROWS_AS(parse({"-d", "1s", "-n", "5"}), UsageError);
        CHECK_THROWS_AS(parse({"-c", "0"}), UsageError);
        CHECK_THROWS_AS(parse({"-c", "ten"}), UsageError);
        CHECK_THROWS_AS(parse({"-n", "0"}), UsageError);
        CHECK_THROWS_AS(parse({"-d", "0s"}), UsageError);
        CHECK_THROWS_AS(parse({"-p", "0"}), UsageError);
        CHECK_THROWS_AS(parse({"-p", "70000"}), UsageError);
        CHECK_THROWS_AS(parse({"--framing", "http"}), UsageError);
        CHECK_THROWS_AS(parse({"--threads"}), UsageError);
        CHECK_THROWS_AS(parse({"--json=yes"}), UsageError);
        CHECK_THROWS_AS(parse({"--bogus"}), UsageError);
        CHECK_THROWS_AS(parse({"extra"}), UsageError);
    }
}
