#include "http/command_line/options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "cli/arguments.hpp"
#include "cli/values.hpp"
#include "http/command_line/exit_codes.hpp"
#include "http/rules/failures.hpp"
#include "http/wire/content_decoder.hpp"
#include "protocol/printable.hpp"
#include "version.hpp"

namespace hello::http {
namespace {

// curl's SIZE: bytes, or with a suffix k, M or G (powers of 1024).
std::uint64_t parse_size(std::string_view text)
{
    std::uint64_t unit = 1;
    auto digits = text;
    if (!digits.empty()) {
        switch (digits.back()) {
        case 'k':
        case 'K': unit = 1ULL << 10; break;
        case 'm':
        case 'M': unit = 1ULL << 20; break;
        case 'g':
        case 'G': unit = 1ULL << 30; break;
        default: break;
        }
        if (unit != 1) {
            digits.remove_suffix(1);
        }
    }
    constexpr std::uint64_t max_size = 1ULL << 50;  // a PiB: far beyond any disk, far from overflow
    return cli::parse_count(digits, "--max-filesize", 0, max_size / unit) * unit;
}

// -C OFFSET's limit: far beyond any file, far from overflow.
constexpr std::uint64_t max_offset = 1ULL << 60;

std::chrono::milliseconds positive_duration(std::string_view text, std::string_view option)
{
    const auto duration = cli::parse_duration(text);
    if (duration.count() == 0) {
        throw cli::UsageError(fmt::format("{} must be at least 1ms", option));
    }
    return duration;
}

// Errors of the values themselves become usage errors: they are typos.
template <typename Parse>
auto usage_checked(Parse&& parse)
{
    try {
        return parse();
    } catch (const InvalidSetting& error) {
        throw cli::UsageError(error.what());
    } catch (const InvalidUrl& error) {
        throw cli::UsageError(error.what());
    }
}

// -u USER:PASSWORD, as curl takes it (without a password curl would prompt
// for one; a script cannot answer, so that is a usage error here).
std::string parse_credentials(std::string_view text)
{
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        throw InvalidSetting("-u takes USER:PASSWORD");
    }
    if (std::ranges::any_of(text, [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
        throw InvalidSetting("-u: control characters are not allowed");
    }
    return std::string(text);
}

// -w @FILE and -H @FILE, as curl reads them ("@-": standard input).
std::string text_of_file(std::string_view name, std::string_view option)
{
    std::ifstream file;
    std::istream* input = &std::cin;
    if (name != "-") {
        file.open(std::string(name), std::ios::binary);
        if (!file.is_open()) {
            throw ReadError(
                fmt::format("{}: cannot read {}", option, protocol::printable(name, 200)));
        }
        input = &file;
    }
    std::ostringstream text;
    text << input->rdbuf();
    return text.str();
}

// What the command line says, before it is checked as a whole.
struct CommandLine {
    GetCommand command;
    std::optional<std::string_view> url;
    std::optional<std::string_view> output;
    bool remote_name = false;
    std::optional<std::string> credentials;
    std::optional<std::string_view> output_dir;
    bool ranged = false;
    std::string_view resume_spelling;  // what followed -C, for the usage errors

    GetOptions& options() { return command.options; }
};

// A header an option becomes (-A, -e, -r), checked as any -H: no line breaks smuggled in.
HeaderField header_from(std::string_view name, std::string_view value)
{
    return usage_checked([&] { return parse_header_option(fmt::format("{}: {}", name, value)); });
}

void set_write_out(CommandLine& line, std::string_view format)
{
    const auto text = format.starts_with('@') ? text_of_file(format.substr(1), "--write-out")
                                              : std::string(format);
    line.options().write_out = usage_checked([&] { return parse_write_out(text); });
}

void set_continue_at(CommandLine& line, std::string_view offset)
{
    line.resume_spelling = offset;
    if (offset == "-") {
        line.options().resume = true;
    } else if (const auto bytes = cli::parse_count(offset, "-C", 0, max_offset)) {
        line.options().continue_at = bytes;  // -C 0 is a plain fetch, as with curl
    }
}

void add_headers(CommandLine& line, std::string_view header)
{
    auto& headers = line.options().request.extra_headers;
    if (!header.starts_with('@')) {
        headers.push_back(usage_checked([&] { return parse_header_option(header); }));
        return;
    }
    // One header a line, as curl reads the file; blank lines skipped.
    std::istringstream lines(text_of_file(header.substr(1), "--header"));
    for (std::string text; std::getline(lines, text);) {
        if (!text.empty() && text.back() == '\r') {
            text.pop_back();
        }
        if (!text.empty()) {
            headers.push_back(usage_checked([&] { return parse_header_option(text); }));
        }
    }
}

enum class Takes { nothing, value };

// One row per option name: the names, whether a value follows, what it sets.
struct OptionRow {
    std::string_view long_name;
    std::string_view short_name;
    Takes takes;
    void (*apply)(CommandLine& line, std::string_view value);
};

using Line = CommandLine;
using Value = std::string_view;

const OptionRow option_rows[] = {
    // Output
    {"--output", "-o", Takes::value, [](Line& l, Value v) { l.output = v; }},
    {"--remote-name", "-O", Takes::nothing, [](Line& l, Value) { l.remote_name = true; }},
    {"--head", "-I", Takes::nothing, [](Line& l, Value) { l.options().header_only = true; }},
    {"--header-only", "", Takes::nothing, [](Line& l, Value) { l.options().header_only = true; }},
    {"--compressed", "", Takes::nothing,
     [](Line& l, Value) {
         l.options().compressed = true;
         l.options().request.accept_encoding = accepted_encodings();
     }},
    {"--max-filesize", "", Takes::value,
     [](Line& l, Value v) { l.options().max_filesize = parse_size(v); }},
    {"--continue-at", "-C", Takes::value, set_continue_at},
    {"--fail", "-f", Takes::nothing, [](Line& l, Value) { l.options().fail_on_error = true; }},
    {"--fail-with-body", "", Takes::nothing,
     [](Line& l, Value) {
         l.options().fail_on_error = true;
         l.options().fail_with_body = true;
     }},
    {"--include", "-i", Takes::nothing, [](Line& l, Value) { l.options().include_head = true; }},
    {"--dump-header", "-D", Takes::value,
     [](Line& l, Value v) {
         if (v.empty()) {
             throw cli::UsageError("the --dump-header file name is empty");
         }
         l.options().dump_header = std::string(v);
     }},
    {"--write-out", "-w", Takes::value, set_write_out},
    {"--verbose", "-v", Takes::nothing, [](Line& l, Value) { l.options().verbose = true; }},
    {"--no-progress-meter", "", Takes::nothing,
     [](Line& l, Value) { l.options().no_progress = true; }},
    // The bar is the only meter http_get draws: nothing to change.
    {"--progress-bar", "-#", Takes::nothing, [](Line&, Value) {}},
    {"--output-dir", "", Takes::value, [](Line& l, Value v) { l.output_dir = v; }},
    {"--create-dirs", "", Takes::nothing, [](Line& l, Value) { l.options().create_dirs = true; }},
    {"--no-clobber", "", Takes::nothing, [](Line& l, Value) { l.options().no_clobber = true; }},
    {"--stderr", "", Takes::value,
     [](Line& l, Value v) { l.options().stderr_file = std::string(v); }},
    // As curl sends it: "Range: bytes=RANGE".
    {"--range", "-r", Takes::value,
     [](Line& l, Value v) {
         l.options().request.extra_headers.push_back(
             header_from("Range", fmt::format("bytes={}", v)));
         l.ranged = true;
     }},
    {"--silent", "-s", Takes::nothing, [](Line& l, Value) { l.options().silent = true; }},
    {"--show-error", "-S", Takes::nothing, [](Line& l, Value) { l.options().show_error = true; }},
    // Request
    {"--location", "-L", Takes::nothing,
     [](Line& l, Value) { l.options().follow_redirects = true; }},
    {"--max-redirs", "", Takes::value,
     [](Line& l, Value v) {
         l.options().max_redirects =
             v == "-1" ? -1 : static_cast<int>(cli::parse_count(v, "--max-redirs", 0, 1000));
     }},
    {"--user-agent", "-A", Takes::value,
     [](Line& l, Value v) { l.options().request.user_agent = header_from("User-Agent", v).value; }},
    {"--referer", "-e", Takes::value,
     [](Line& l, Value v) { l.options().request.referer = header_from("Referer", v).value; }},
    {"--user", "-u", Takes::value,
     [](Line& l, Value v) { l.credentials = usage_checked([&] { return parse_credentials(v); }); }},
    {"--header", "-H", Takes::value, add_headers},
    {"--resolve", "", Takes::value,
     [](Line& l, Value v) {
         l.options().resolve_overrides.push_back(
             usage_checked([&] { return parse_resolve_override(v); }));
     }},
    {"--ipv4", "-4", Takes::nothing, [](Line& l, Value) { l.options().ip_family = IpFamily::v4; }},
    {"--ipv6", "-6", Takes::nothing, [](Line& l, Value) { l.options().ip_family = IpFamily::v6; }},
    {"--proxy", "-x", Takes::value, [](Line& l, Value v) { l.options().proxy = std::string(v); }},
    {"--insecure", "-k", Takes::nothing, [](Line& l, Value) { l.options().insecure = true; }},
    {"--cacert", "", Takes::value, [](Line& l, Value v) { l.options().ca_file = std::string(v); }},
    // Retries
    {"--retry", "", Takes::value,
     [](Line& l, Value v) {
         l.options().retry.retries = static_cast<int>(cli::parse_count(v, "--retry", 0, 1000));
     }},
    {"--retry-connrefused", "", Takes::nothing,
     [](Line& l, Value) { l.options().retry.connection_refused = true; }},
    {"--retry-all-errors", "", Takes::nothing,
     [](Line& l, Value) { l.options().retry.all_errors = true; }},
    {"--retry-delay", "", Takes::value,
     [](Line& l, Value v) { l.options().retry.delay = cli::parse_duration(v); }},
    {"--retry-max-time", "", Takes::value,
     [](Line& l, Value v) {
         l.options().retry.max_time = positive_duration(v, "--retry-max-time");
     }},
    // Time limits
    {"--max-time", "-m", Takes::value,
     [](Line& l, Value v) { l.options().limits.max_time = positive_duration(v, "--max-time"); }},
    {"--connect-timeout", "", Takes::value,
     [](Line& l, Value v) {
         l.options().limits.connect_timeout = positive_duration(v, "--connect-timeout");
     }},
    {"--stall-timeout", "", Takes::value,
     [](Line& l, Value v) {
         l.options().limits.stall_timeout = positive_duration(v, "--stall-timeout");
     }},
};

// Applies the row the walker's current argument names; false when none does.
bool take_option(cli::ArgumentWalker& walker, CommandLine& line)
{
    for (const auto& row : option_rows) {
        if (row.takes == Takes::nothing && walker.flag(row.long_name, row.short_name)) {
            row.apply(line, {});
            return true;
        }
        if (row.takes == Takes::value) {
            if (const auto value = walker.option(row.long_name, row.short_name)) {
                row.apply(line, *value);
                return true;
            }
        }
    }
    return false;
}

// The checks of options that go together, once every one is read.
void check_combinations(const CommandLine& line)
{
    const auto& options = line.command.options;
    const auto& output = line.output;
    const auto& spelling = line.resume_spelling;
    if (output && line.remote_name) {
        throw cli::UsageError("-o and -O both name the output file: choose one");
    }
    const bool resuming = options.resume || options.continue_at;
    if (resuming && options.compressed) {
        throw cli::UsageError(fmt::format(
            "-C {} continues the bytes as sent: it cannot go with --compressed", spelling));
    }
    if (resuming && options.no_clobber) {
        throw cli::UsageError(
            fmt::format("-C {} continues a file: it cannot go with --no-clobber", spelling));
    }
    if (resuming && line.ranged) {
        throw cli::UsageError(
            fmt::format("-C {} and -r both ask for a range: choose one", spelling));
    }
    // -C OFFSET with -o - writes the bytes from OFFSET on, as curl does.
    if (options.resume && output && *output == standard_output) {
        throw cli::UsageError("-C - continues a file: it cannot go with -o -");
    }
    if (output && output->empty()) {
        throw cli::UsageError("the output file name is empty");
    }
}

}  // namespace

GetCommand parse_get_command(std::span<const std::string_view> arguments)
{
    CommandLine line;
    auto& options = line.options();
    options.request.user_agent = fmt::format("hello-asio-http_get/{}", version);
    cli::ArgumentWalker walker(arguments);
    while (!walker.done()) {
        if (cli::take_help_or_version(walker, line.command.action) || take_option(walker, line)) {
            continue;
        }
        const auto argument = walker.positional();
        if (!argument) {
            throw walker.unknown();
        }
        if (line.url) {
            throw cli::UsageError("only one URL, please");
        }
        line.url = *argument;
    }
    if (line.command.action != cli::Action::run) {
        return line.command;
    }
    if (!line.url) {
        throw cli::UsageError("no URL given");
    }
    check_combinations(line);
    // Not a usage error: curl's exit statuses tell a bad URL (3) from a bad option (2).
    options.url = parse_url(*line.url);
    options.request.credentials = line.credentials ? line.credentials : options.url.credentials;
    options.output = line.output ? std::string(*line.output) : default_file_name(options.url);
    options.output_named = line.output.has_value();
    // curl's --output-dir: the directory of -o's relative names and of the default one.
    if (line.output_dir && options.output != standard_output && !options.output.starts_with('/')) {
        options.output = fmt::format("{}/{}", *line.output_dir, options.output);
    }
    return line.command;
}

std::string get_usage()
{
    std::string usage = R"(Usage: http_get [OPTION]... URL
Fetches URL over HTTP/1.1, prints the status line and headers to stdout and
saves the body to a file (with -w, or -s, nothing but -w's text is printed
there; -o - makes stdout the body's). Not here: request bodies (-d, -F, -T,
-X), cookie jars, several URLs, HTTP/2: use curl for those.
URL is http://HOST[:PORT]/PATH or https://...; a bare HOST or HOST/PATH
means http://. IPv6 addresses go in brackets: http://[::1]:8080/. Non-ASCII host names are converted to punycode.

Output:
  -o, --output FILE       save the body to FILE; '-' writes it to stdout (the
                          headers then go to stderr). The file is replaced only
                          when the whole body has arrived.
  -O, --remote-name       save to the URL's last path segment, or index.html
                          (the default)
  -I, --head              send HEAD, print the headers, save nothing
                          (also --header-only)
      --compressed        ask for a compressed body (gzip, deflate, and br and
                          zstd when built with them) and save it decoded
      --max-filesize SIZE fail (exit 63, nothing saved) when the body is larger
                          than SIZE bytes (suffixes k, M, G), decoded or not
  -C, --continue-at -     continue the partial http_get kept for the output
                          file (Range and If-Range); a file it did not mark
                          is fetched whole, never appended to. -C OFFSET
                          asks for the bytes from OFFSET on and appends them
                          to the output file, which must be OFFSET bytes long
                          (else exit 36, the file untouched); with -o -, it
                          writes just those bytes
  -f, --fail              a final status of 400 or more is an error (exit 22):
                          nothing is saved
  -i, --include           put the head into the output, before the body (with
                          -o -, every head; into a file, the final one)
  -D, --dump-header FILE  write every response head to FILE ('-': stdout)
  -w, --write-out FORMAT  print FORMAT on stdout at the end (the head is then
                          not printed there; @FILE reads FORMAT from FILE),
                          with %{http_code}, %{size_download}, %{time_total},
                          %{time_namelookup}, %{time_connect},
                          %{time_appconnect}, %{time_pretransfer},
                          %{time_starttransfer},
                          %{url_effective}, %{num_redirects}, %{remote_ip},
                          %{content_type}, %{exitcode}, %{errormsg},
                          %{speed_download}, %{http_version}, %{size_header},
                          %{size_request}, %{redirect_url}, %{scheme},
                          %{time_redirect}, %{num_connects},
                          %{filename_effective} replaced, and %{json} (all of
                          them as one JSON object); \n, \t, \r, \\ and %% as in
                          curl; an unknown variable prints nothing and a warning
  -v, --verbose           show the request and response heads on stderr,
                          prefixed '> ' and '< ', and the connection's steps
                          ('* ': the address, the TLS version and cipher)
      --fail-with-body    as -f (exit 22), but the page is saved
      --no-progress-meter no progress bar (the reports stay)
  -#, --progress-bar      accepted, as curl takes it: the bar is the one above
      --output-dir DIR    save relative output names in DIR
      --create-dirs       create the output file's missing directories
      --no-clobber        never replace a file: save to NAME.1, NAME.2, ...
      --stderr FILE       write what goes to stderr to FILE ('-': stdout)
  -r, --range RANGE       ask for bytes RANGE (as curl: Range: bytes=RANGE)
  -s, --silent            no progress bar, no reports, no error messages, and
                          no head on stdout
  -S, --show-error        with -s, still report errors (-sS)

Request:
  -L, --location          follow redirects (301, 302, 303, 307, 308; at most 10)
      --max-redirs N      follow at most N redirects (default 10; -1: no limit)
  -A, --user-agent TEXT   send TEXT as the User-Agent
  -e, --referer URL       send URL as the Referer
  -u, --user USER:PASSWORD
                          send Basic credentials (as does USER:PASSWORD@ in
                          the URL); a redirect to another scheme, host or port
                          drops them, and -H's Authorization and Cookie
  -H, --header 'NAME: VALUE'
                          add a header, or replace the default one of that
                          name; 'NAME:' removes it (repeatable)
      --resolve HOST:PORT:ADDRESS
                          connect to ADDRESS for HOST:PORT instead of asking
                          DNS (repeatable); the Host header, SNI and the
                          certificate check still use HOST
  -4, --ipv4              connect to IPv4 addresses only
  -6, --ipv6              connect to IPv6 addresses only
  -x, --proxy URL         use this http:// proxy for http and https (default:
                          the http_proxy, https_proxy and no_proxy variables;
                          an empty URL turns proxies off)
  -k, --insecure          do not verify the server's certificate (https)
      --cacert FILE       verify against the CA certificates in FILE (PEM)
                          instead of the system's

Retries:
      --retry N           retry a try that timed out, did not resolve, or
                          got 408, 429, 500, 502, 503 or 504, up to N times
                          (default 0)
      --retry-connrefused also retry a refused connection
      --retry-all-errors  retry after any failure
      --retry-delay DURATION
                          wait this long between tries (default: the
                          Retry-After header, else 1s doubling each time)
      --retry-max-time DURATION
                          decide no retry after this long (default: no limit)

Time limits (each failure names the one that ran out; each try has them all):
  -m, --max-time DURATION the whole transfer, redirects included (default: none)
      --connect-timeout DURATION
                          resolving, connecting and the TLS handshake, for each
                          connection (default 30s)
      --stall-timeout DURATION
                          time without receiving a byte (default 60s)

  -h, --help              show this help and exit
      --version           show the version and exit

DURATION is a number with a unit: 250ms, 2.5s, 5m, 2h (a bare number such as
0.5 is seconds). On a terminal, a progress bar is drawn on stderr.
SIGINT, SIGTERM and SIGHUP keep what arrived for -C - (at the output file when
there was none, else beside it as .NAME.http_get-partial), and the program then
ends by that signal (a shell shows 130, 143 or 129), as curl does.

)";
    usage += "Exit status (curl's numbers, so that scripts written for curl work unchanged):\n";
    for (const auto& [code, meaning] : exit_code_meanings) {
        usage += fmt::format("  {:<4}{}\n", static_cast<int>(code), meaning);
    }
    return usage;
}

}  // namespace hello::http
