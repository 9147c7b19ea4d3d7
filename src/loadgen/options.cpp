#include "loadgen/options.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cli/arguments.hpp"
#include "cli/values.hpp"

namespace hello::loadgen {
namespace {

// Past the descriptor limit connecting would fail anyway; the cap only stops
// a typo from asking for billions.
constexpr std::uint64_t max_connections = 1'000'000;
constexpr std::uint64_t max_threads = 1024;
// Well past what loopback carries; the cap only catches typos.
constexpr std::uint64_t max_rate = 100'000'000;
// Every request in flight fits in a socket's smallest send buffer (4 KiB),
// so a send never goes out in part.
constexpr std::uint64_t max_pipeline = 256;
// A session is a handful of names; the cap only catches typos.
constexpr std::uint64_t max_names = 1'000'000;

protocol::Framing parse_framing(std::string_view text)
{
    if (text == "raw") {
        return protocol::Framing::raw;
    }
    if (text == "line") {
        return protocol::Framing::line;
    }
    throw cli::UsageError(fmt::format("invalid framing '{}' (expected raw or line)", text));
}

}  // namespace

BenchCommand parse_bench_command(std::span<const std::string_view> arguments, std::size_t cores)
{
    BenchCommand command;
    auto& options = command.options;
    bool duration_given = false;
    bool names_given = false;
    std::optional<std::uint64_t> threads;
    cli::ArgumentWalker walker(arguments);
    while (!walker.done()) {
        if (cli::take_help_or_version(walker, command.action)) {
            continue;
        }
        if (walker.flag("--json")) {
            options.json = true;
        } else if (walker.flag("--reconnect")) {
            options.reconnect = true;
        } else if (auto names = walker.option("--names")) {
            options.names = cli::parse_count(*names, "name count", 0, max_names);
            names_given = true;
        } else if (walker.flag("--proxy-v1")) {
            options.proxy_v1 = true;
        } else if (auto host = walker.option("--host")) {
            options.host = cli::parse_host(*host);
        } else if (auto port = walker.option("--port", "-p")) {
            options.port = std::to_string(cli::parse_remote_port(*port));
        } else if (auto count = walker.option("--connections", "-c")) {
            options.connections = cli::parse_count(*count, "connection count", 1, max_connections);
        } else if (auto duration = walker.option("--duration", "-d")) {
            options.duration = cli::parse_duration(*duration);
            duration_given = true;
        } else if (auto messages = walker.option("--messages", "-n")) {
            options.messages_per_connection =
                cli::parse_count(*messages, "message count", 1, std::uint64_t{1} << 40);
        } else if (auto framing = walker.option("--framing")) {
            options.framing = parse_framing(*framing);
        } else if (auto rate = walker.option("--rate", "-R")) {
            options.rate = cli::parse_count(*rate, "rate", 0, max_rate);
            if (options.rate == 0) {
                throw cli::UsageError(
                    "--rate 0 would send nothing (leave --rate out for a closed-loop run)");
            }
        } else if (auto depth = walker.option("--pipeline", "-P")) {
            options.pipeline = cli::parse_count(*depth, "pipeline depth", 1, max_pipeline);
        } else if (auto file = walker.option("--latency-out")) {
            if (file->empty()) {
                throw cli::UsageError("--latency-out needs a file name");
            }
            options.latency_out = *file;
        } else if (auto count = walker.option("--threads")) {
            threads = cli::parse_count(*count, "thread count", 0, max_threads);
        } else {
            throw walker.unknown();
        }
    }
    if (duration_given && options.messages_per_connection) {
        throw cli::UsageError(
            "-d and -n exclude each other: run for a time or for a message count");
    }
    if (duration_given && options.duration.count() == 0) {
        throw cli::UsageError("--duration must be more than 0");
    }
    if (options.rate && options.messages_per_connection) {
        throw cli::UsageError(
            "--rate and -n exclude each other: an open-loop run lasts a time (-d)");
    }
    if (options.pipeline > 1 && options.framing == protocol::Framing::raw) {
        throw cli::UsageError(
            "-P needs --framing line: raw replies have no delimiter, so replies to pipelined "
            "names could not be told apart");
    }
    if (names_given && !options.reconnect) {
        throw cli::UsageError("--names needs --reconnect: it counts the names of one session");
    }
    if (options.reconnect && options.pipeline > 1) {
        throw cli::UsageError(
            "--reconnect and -P exclude each other: the tutorial's client waits for each reply");
    }
    if (options.reconnect && options.proxy_v1) {
        throw cli::UsageError(
            "--reconnect and --proxy-v1 exclude each other: reconnecting sessions send no "
            "PROXY header");
    }
    options.threads =
        threads.value_or(1) == 0 ? std::max<std::size_t>(cores, 1) : threads.value_or(1);
    return command;
}

std::string bench_usage()
{
    return R"(Usage: hello_bench [OPTION]...
Load generator for hello_server: opens CONNECTIONS connections, reads each
one's "Welcome!", then sends names and checks every reply byte for byte.
Closed loop (the default): each connection sends its next name when a reply
arrives (-P names in flight). Open loop (--rate): names go on a schedule,
RATE per second across all connections, and a reply's latency counts from
when its name was due, so a server that stalls is charged for every message
it delayed (no coordinated omission). Reports replies per second and latency
percentiles (p50 to p99.99 and max, within 1%). With --reconnect: sessions
per second, and percentiles of the connect time (connect() to the whole
"Welcome!") and of whole sessions (connect() to the server's end of stream;
open loop: from when the session was due).

Options:
  --host HOST              server name or address (default 127.0.0.1)
  -p, --port N             server port (default 9999)
  -c, --connections N      connections to open (default 1)
  -d, --duration DURATION  send for this long (default 10s) ...
  -n, --messages N         ... or send N messages on every connection
  -R, --rate N             open loop: N messages per second in all, each
                           connection on its own evenly spaced schedule
  -P, --pipeline N         up to N messages in flight per connection (default 1;
                           at most 256; line framing only)
  --framing raw|line       raw: a bare name per message, as the tutorial's client
                           sends (default); line: one name per line, as nc sends
  --threads N              threads generating load (default 1; 0: one per core);
                           connections, and the rate with them, are dealt out in turn
  --proxy-v1               start every connection with a PROXY protocol v1 header
                           ("PROXY TCP4 ...\r\n"), for hello_server --proxy-protocol
  --reconnect              every connection plays the tutorial's client over and
                           over: connect, "Welcome!", the names, "exit", the
                           server's end of stream, close, and again (redis-benchmark
                           -k 0, ab without -k); -n counts sessions per connection,
                           --rate sessions per second, latency is whole sessions
  --names N                names per session with --reconnect (default 3: Michael,
                           Tracy, Sarah, then Michael again...)
  --latency-out FILE       write the latency distribution to FILE in HdrHistogram's
                           percentile-distribution format (values in microseconds)
  --json                   print the results as one JSON object
  -h, --help               show this help and exit
  --version                show the version and exit

DURATION is a number with a unit: 250ms, 1.5s, 5m, 2h (a bare number such as 0.5
is seconds, as in curl), at most 24h: the same in every hello-asio program.
An open-loop run ends when the duration is up: what fell due but could not go
(its connection still had -P replies to wait for) is reported as unsent.
Connecting, and each reply, must take less than 10s. The soft limit on open
files is raised to the hard one; past 25,000 connections to 127.0.0.1 the
connections come from 127.0.0.2, 127.0.0.3, ... so ephemeral ports last.
With --reconnect, sessions to 127.0.0.1 come from 127.0.0.1 to 127.0.0.254
in turn, so that a new connection seldom reuses the address and port of one the
server still holds in TIME_WAIT.
A progress line goes to stderr when it is a terminal; results go to stdout.
Exit status: 0 if every connection and every reply was right, 1 if any failed
(the errors are counted in the results), 2 on a bad command line.
)";
}

}  // namespace hello::loadgen
