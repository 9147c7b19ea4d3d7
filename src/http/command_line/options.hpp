#pragma once
// http_get's command line: what it accepts and what it means.

#include <span>
#include <string>
#include <string_view>

#include "cli/command.hpp"
#include "http/rules/get_options.hpp"

namespace hello::http {

struct GetCommand {
    cli::Action action = cli::Action::run;
    GetOptions options;
};

// Throws cli::UsageError on a bad command line (a bad URL included).
GetCommand parse_get_command(std::span<const std::string_view> arguments);

std::string get_usage();

}  // namespace hello::http
