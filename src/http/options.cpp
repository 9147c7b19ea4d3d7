#include "http/options.hpp"

#include "cli/arguments.hpp"
#include "cli/values.hpp"
#include "http/errors.hpp"

namespace hello::http {

GetCommand parse_get_command(std::span<const std::string_view> arguments)
{
    GetCommand command;
    auto& options = command.options;
    std::optional<std::string_view> url;
    std::optional<std::string_view> output;
    cli::ArgumentWalker walker(arguments);
    while (!walker.done()) {
        if (cli::take_help_or_version(walker, command.action)) {
            continue;
        }
        if (walker.flag("--location", "-L")) {
            options.follow_redirects = true;
        } else if (walker.flag("--header-only", "-I")) {
            options.header_only = true;
        } else if (walker.flag("--insecure", "-k")) {
            options.insecure = true;
        } else if (auto file = walker.option("--cacert")) {
            options.ca_file = std::string(*file);
        } else if (auto file = walker.option("--output", "-o")) {
            output = *file;
        } else if (auto limit = walker.option("--max-time", "-m")) {
            options.max_time = cli::parse_duration(*limit);
        } else if (auto argument = walker.positional()) {
            if (url) {
                throw cli::UsageError("only one URL, please");
            }
            url = *argument;
        } else {
            throw walker.unknown();
        }
    }
    if (command.action != cli::Action::run) {
        return command;
    }
    if (!url) {
        throw cli::UsageError("no URL given");
    }
    if (output && output->empty()) {
        throw cli::UsageError("the output file name is empty");
    }
    if (options.max_time.count() == 0) {
        throw cli::UsageError("--max-time must be more than 0");
    }
    try {
        options.url = parse_url(*url);
    } catch (const InvalidUrl& error) {
        throw cli::UsageError(error.what());
    }
    options.output = output ? std::string(*output) : default_file_name(options.url);
    return command;
}

std::string get_usage()
{
    return R"(Usage: http_get [OPTION]... URL
Fetches URL over HTTP/1.1, prints the status line and headers to stdout and
saves the body to a file. URL is http://HOST[:PORT]/PATH or https://...; a
bare HOST or HOST/PATH means http://. IPv6 addresses go in brackets:
http://[::1]:8080/.

Options:
  -o, --output FILE       save the body to FILE (default: the URL's last path
                          segment, or index.html)
  -L, --location          follow redirects (301, 302, 303, 307, 308; at most 10)
  -I, --header-only       send HEAD, print the headers, save nothing
  -m, --max-time DURATION limit for the whole transfer, redirects included
                          (default 30s)
  -k, --insecure          do not verify the server's certificate (https)
      --cacert FILE       verify against the CA certificates in FILE (PEM)
                          instead of the system's
  -h, --help              show this help and exit
      --version           show the version and exit

DURATION is a whole number with a unit: 250ms, 1s, 5m, 2h (a bare number is
seconds). On a terminal, a progress bar is drawn on stderr.

Exit status:
  0  the response arrived whole (whatever its status code)
  1  another failure
  2  bad command line or URL
  3  the host name does not resolve
  4  no address of the host accepted the connection
  5  the TLS handshake or the certificate verification failed
  6  --max-time ran out
  7  the response is not valid HTTP/1.x
  8  the connection closed or broke before the response was complete
  9  -L met more than 10 redirects
  10 the output file (or the --cacert file) cannot be used
)";
}

}  // namespace hello::http
