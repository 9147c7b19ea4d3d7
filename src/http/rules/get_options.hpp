#pragma once
// What one download is asked to do: the settings the command line gives the
// transfer (command_line/options.hpp fills them).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/rules/retry.hpp"
#include "http/rules/route.hpp"
#include "http/rules/time_limits.hpp"
#include "http/rules/write_out.hpp"
#include "http/wire/request.hpp"
#include "http/wire/url.hpp"
#include "net/connect.hpp"

namespace hello::http {

// -o - : the body goes to standard output (and the heads to stderr).
inline constexpr std::string_view standard_output = "-";

using net::IpFamily;

// -L follows at most this many redirects unless --max-redirs says otherwise.
// curl allows 50; ten is plenty for any real site and stops loops sooner.
inline constexpr int default_max_redirects = 10;

struct GetOptions {
    Url url;
    std::string output;                         // -o FILE, "-", or the URL's default file name (-O)
    bool output_named = false;                  // -o FILE: the user chose the name
    bool follow_redirects = false;              // -L
    bool header_only = false;                   // -I, --head, --header-only: HEAD, save nothing
    bool fail_on_error = false;                 // --fail: a status from 400 on is an error
    bool fail_with_body = false;                // --fail-with-body: and the page is saved
    bool no_progress = false;                   // --no-progress-meter
    bool create_dirs = false;                   // --create-dirs
    bool no_clobber = false;                    // --no-clobber: NAME.1 ... instead
    std::optional<std::string> stderr_file;     // --stderr FILE
    bool verbose = false;                       // -v: both heads on stderr, "> " and "< "
    bool silent = false;                        // -s: no progress bar, no reports, no errors
    bool show_error = false;                    // -S: errors even with -s
    bool include_head = false;                  // -i: the final head goes into the output
    std::optional<std::string> dump_header;     // -D FILE: every head, as received
    std::vector<WriteOutPiece> write_out;       // -w FORMAT, parsed
    IpFamily ip_family = IpFamily::any;         // -4, -6
    int max_redirects = default_max_redirects;  // --max-redirs; -1: no limit
    bool compressed = false;                    // --compressed: ask for it, save it decoded
    std::optional<std::uint64_t> max_filesize;  // --max-filesize BYTES (of the saved body)
    bool resume = false;                        // -C -: continue the partial file
    std::optional<std::uint64_t> continue_at;   // -C OFFSET: append the bytes from OFFSET on
    RetryOptions retry;                         // --retry, --retry-delay, --retry-max-time
    bool insecure = false;                      // --insecure: no certificate verification
    std::optional<std::string> ca_file;  // --cacert FILE: trust these CAs instead of the system's
    TimeLimits limits;                   // --max-time, --connect-timeout, --stall-timeout
    RequestOptions request;              // -A, -H
    std::vector<ResolveOverride> resolve_overrides;  // --resolve HOST:PORT:ADDR
    std::optional<std::string> proxy;  // --proxy URL ("" : none, whatever the environment)
    ProxySettings proxies;             // filled by main from --proxy and the environment
};

}  // namespace hello::http
