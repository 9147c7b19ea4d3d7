#pragma once
// http_get's command line: what it accepts and what it means.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command.hpp"
#include "http/request.hpp"
#include "http/route.hpp"
#include "http/time_limits.hpp"
#include "http/url.hpp"

namespace hello::http {

// -o - : the body goes to standard output (and the heads to stderr).
inline constexpr std::string_view standard_output = "-";

struct GetOptions {
    Url url;
    std::string output;                  // -o FILE, "-", or the URL's default file name (-O)
    bool follow_redirects = false;       // -L
    bool header_only = false;            // -I, --head, --header-only: HEAD, save nothing
    bool fail_on_error = false;          // --fail: a status that is not 2xx is an error
    bool verbose = false;                // -v: both heads on stderr, "> " and "< "
    bool silent = false;                 // -s: no progress bar, no reports; errors still
    bool insecure = false;               // --insecure: no certificate verification
    std::optional<std::string> ca_file;  // --cacert FILE: trust these CAs instead of the system's
    TimeLimits limits;                   // --max-time, --connect-timeout, --stall-timeout
    RequestOptions request;              // -A, -H
    std::vector<ResolveOverride> resolve_overrides;  // --resolve HOST:PORT:ADDR
    std::optional<std::string> proxy;  // --proxy URL ("" : none, whatever the environment)
    ProxySettings proxies;             // filled by main from --proxy and the environment
};

struct GetCommand {
    cli::Action action = cli::Action::run;
    GetOptions options;
};

// Throws cli::UsageError on a bad command line (a bad URL included).
GetCommand parse_get_command(std::span<const std::string_view> arguments);

std::string get_usage();

}  // namespace hello::http
