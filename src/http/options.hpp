#pragma once
// http_get's command line: what it accepts and what it means.

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cli/command.hpp"
#include "http/url.hpp"

namespace hello::http {

struct GetOptions {
    Url url;
    std::string output;                  // -o FILE, or the URL's default file name
    bool follow_redirects = false;       // -L
    bool header_only = false;            // --header-only: HEAD, print the head, save nothing
    bool insecure = false;               // --insecure: no certificate verification
    std::optional<std::string> ca_file;  // --cacert FILE: trust these CAs instead of the system's
    std::chrono::milliseconds max_time{30'000};  // the whole transfer, redirects included
};

struct GetCommand {
    cli::Action action = cli::Action::run;
    GetOptions options;
};

// Throws cli::UsageError on a bad command line (a bad URL included).
GetCommand parse_get_command(std::span<const std::string_view> arguments);

std::string get_usage();

}  // namespace hello::http
