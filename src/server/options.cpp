#include "server/options.hpp"

#include "cli/arguments.hpp"
#include "cli/values.hpp"

#include <fmt/format.h>

namespace hello::server {

HostPort parse_host_port(std::string_view text, std::string_view option)
{
    const auto colon = text.rfind(':');
    auto host = text.substr(0, colon == std::string_view::npos ? 0 : colon);
    if (host.starts_with('[') && host.ends_with(']')) {
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        host = {};  // an IPv6 address without brackets: its port is ambiguous
    }
    if (colon == std::string_view::npos || host.empty()) {
        throw cli::UsageError(fmt::format(
            "{} needs HOST:PORT (brackets around an IPv6 address), not '{}'", option, text));
    }
    return HostPort{std::string(host), cli::parse_port(text.substr(colon + 1))};
}

ServerCommand parse_server_command(std::span<const std::string_view> arguments)
{
    ServerCommand command;
    auto& options = command.options;
    cli::ArgumentWalker walker(arguments);
    while (!walker.done()) {
        if (cli::take_help_or_version(walker, command.action)) {
            continue;
        }
        if (walker.flag("--quiet", "-q")) {
            options.quiet = true;
        } else if (walker.flag("--verbose", "-v")) {
            options.verbose = true;
        } else if (auto host = walker.option("--host")) {
            options.host = cli::parse_host(*host);
        } else if (auto port = walker.option("--port", "-p")) {
            options.port = cli::parse_port(*port);
        } else if (auto delay = walker.option("--delay")) {
            options.delay = cli::parse_duration(*delay);
        } else if (auto bytes = walker.option("--max-message")) {
            options.max_message = cli::parse_count(*bytes, "message size", 1, 1 << 20);
        } else if (auto idle = walker.option("--idle-timeout")) {
            options.idle_timeout = cli::parse_duration(*idle);
        } else if (auto count = walker.option("--max-connections")) {
            options.max_connections = cli::parse_count(*count, "connection count", 1, 1'000'000);
        } else if (auto count = walker.option("--max-connections-per-ip")) {
            options.max_connections_per_ip =
                cli::parse_count(*count, "connection count", 0, 1'000'000);
        } else if (auto threads = walker.option("--threads")) {
            options.threads = cli::parse_count(*threads, "thread count", 0, 256);
        } else if (auto grace = walker.option("--shutdown-timeout")) {
            options.shutdown_timeout = cli::parse_duration(*grace);
        } else if (walker.flag("--proxy-protocol")) {
            options.proxy_protocol = true;
        } else if (auto wait = walker.option("--proxy-header-timeout")) {
            options.proxy_header_timeout = cli::parse_duration(*wait);
        } else if (auto format = walker.option("--log-format")) {
            if (*format != "text" && *format != "json") {
                throw cli::UsageError(
                    fmt::format("invalid log format '{}' (expected text or json)", *format));
            }
            options.log_format = *format == "json" ? net::LogFormat::json : net::LogFormat::text;
        } else if (auto address = walker.option("--metrics")) {
            options.metrics = parse_host_port(*address, "--metrics");
        } else {
            throw walker.unknown();
        }
    }
    if (options.idle_timeout.count() == 0) {
        throw cli::UsageError("--idle-timeout must be more than 0");
    }
    return command;
}

std::string server_usage()
{
    return R"(Usage: hello_server [OPTION]...
Greets every client with "Welcome!" and answers each message X with "Hello, X!".
The message "exit" (or the end of the stream) closes the connection.

Options:
  --host ADDR               address to listen on (default 127.0.0.1; :: or 0.0.0.0 for all)
  -p, --port N              port to listen on (default 9999; 0 lets the OS choose)
  --delay DURATION          wait this long before each reply, like the tutorial's
                            sleep(1) (default 0); only that client waits
  --max-message BYTES       longest message accepted (default 4096; a raw message,
                            sent without a newline, at most 32768 whatever this
                            says); a longer one gets "error: message too long"
                            and the connection closes
  --idle-timeout DURATION   close a client that sends nothing, or does not read its
                            replies, for this long (default 5m)
  --max-connections N       clients served at once (default 10000); past it a new
                            client gets "error: server busy" and is closed
  --max-connections-per-ip N
                            clients served at once from one address (default 0:
                            no limit; with --proxy-protocol, the address the
                            header names); past it a new one from that address
                            gets "error: too many connections from your address"
                            and is closed
  --shutdown-timeout DURATION
                            on SIGINT/SIGTERM, how long clients may take to receive
                            the reply being written (default 5s); a second signal
                            exits at once
  --proxy-protocol          expect a PROXY protocol header (v1 or v2, as HAProxy's
                            send-proxy and send-proxy-v2 send) before each
                            conversation, and log the client it names; a
                            connection without a valid one is closed
  --proxy-header-timeout DURATION
                            how long that header may take to arrive (default 5s)
  --metrics HOST:PORT       serve Prometheus metrics at http://HOST:PORT/metrics
                            (e.g. 127.0.0.1:9100; [::1]:9100; port 0 lets the OS
                            choose); off by default
  --threads N               threads serving clients (default 1; 0 = one per core),
                            each with its own event loop and listening socket
  --log-format text|json    text (default): one line of words per event, after a
                            UTC timestamp unless stderr is the journal; json: one
                            object per line with ts, level, event, peer and fields
  -q, --quiet               no log line per connection
  -v, --verbose             log every message received
  -h, --help                show this help and exit
  --version                 show the version and exit

DURATION is a number with a unit: 250ms, 1.5s, 5m, 2h (a bare number such as 0.5
is seconds, as in curl), at most 24h: the same in every hello-asio program.

systemd socket activation: started with LISTEN_PID set to its own process id
and LISTEN_FDS=1 or more (as a .socket unit does), the server serves on the
listening socket it inherited as file descriptor 3, and --host and --port are
ignored.
systemd readiness: with NOTIFY_SOCKET set (Type=notify), the server sends
READY=1 once listening, STATUS= with the connection count every 5 seconds, and
STOPPING=1 when shutdown begins.
Signals: SIGINT and SIGTERM shut down; SIGHUP is logged and ignored; SIGUSR1
logs one status line (connections, messages, bytes).
Logs go to stderr. Exit status: 0 after a clean shutdown, 1 if the server cannot
start, 2 on a bad command line.
)";
}

}  // namespace hello::server
