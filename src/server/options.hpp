#pragma once
// hello_server's command line: what it accepts and what it means.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cli/command.hpp"
#include "net/log_line.hpp"

namespace hello::server {

using namespace std::chrono_literals;

// An address to listen on, as --metrics takes it: HOST:PORT, [V6]:PORT.
struct HostPort {
    std::string host;
    std::uint16_t port = 0;
    bool operator==(const HostPort&) const = default;
};

// Throws cli::UsageError unless `text` is HOST:PORT (brackets around an IPv6 host).
HostPort parse_host_port(std::string_view text, std::string_view option);

struct ServerOptions {
    std::string host = "127.0.0.1";  // like the tutorial: this machine only
    std::uint16_t port = 9999;
    std::chrono::milliseconds delay{0};             // the tutorial's sleep(1), per reply
    std::size_t max_message = 4096;                 // bytes, without line ending
    std::chrono::milliseconds idle_timeout = 5min;  // silence before a client is closed
    std::size_t max_connections = 10'000;
    std::size_t max_connections_per_ip = 0;           // from one client address; 0: no limit
    std::chrono::milliseconds shutdown_timeout = 5s;  // for sessions to finish on SIGTERM
    std::size_t threads = 1;                          // 0: one per core
    bool quiet = false;                               // no per-connection log lines
    bool verbose = false;                             // log every message
    // Behind a load balancer: a PROXY protocol header comes first.
    bool proxy_protocol = false;
    std::chrono::milliseconds proxy_header_timeout = 5s;
    // --metrics: where GET /metrics is served; none by default.
    std::optional<HostPort> metrics;
    net::LogFormat log_format = net::LogFormat::text;  // --log-format text|json
};

struct ServerCommand {
    cli::Action action = cli::Action::run;
    ServerOptions options;
};

// Throws cli::UsageError on a bad command line.
ServerCommand parse_server_command(std::span<const std::string_view> arguments);

std::string server_usage();

}  // namespace hello::server
