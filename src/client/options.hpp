#pragma once
// hello_client's command line: what it accepts and what it means.

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command.hpp"

namespace hello::client {

struct ClientOptions {
    std::string host = "127.0.0.1";
    std::string port = "9999";
    std::chrono::milliseconds timeout{10'000};  // for connecting, and for each reply
    std::vector<std::string> names;             // empty: read names from stdin
};

struct ClientCommand {
    cli::Action action = cli::Action::run;
    ClientOptions options;
};

// Throws cli::UsageError on a bad command line.
ClientCommand parse_client_command(std::span<const std::string_view> arguments);

std::string client_usage();

}  // namespace hello::client
