#include "client/options.hpp"

#include "cli/arguments.hpp"
#include "cli/values.hpp"

namespace hello::client {

ClientCommand parse_client_command(std::span<const std::string_view> arguments)
{
    ClientCommand command;
    auto& options = command.options;
    cli::ArgumentWalker walker(arguments);
    while (!walker.done()) {
        if (cli::take_help_or_version(walker, command.action)) {
            continue;
        }
        if (auto host = walker.option("--host")) {
            options.host = cli::parse_host(*host);
        } else if (auto port = walker.option("--port", "-p")) {
            options.port = std::to_string(cli::parse_remote_port(*port));
        } else if (auto timeout = walker.option("--timeout")) {
            options.timeout = cli::parse_duration(*timeout);
        } else if (auto name = walker.positional()) {
            if (name->find('\n') != std::string_view::npos) {
                throw cli::UsageError("a name cannot contain a line break");
            }
            options.names.emplace_back(*name);
        } else {
            throw walker.unknown();
        }
    }
    if (options.timeout.count() == 0) {
        throw cli::UsageError("--timeout must be more than 0");
    }
    return command;
}

std::string client_usage()
{
    return R"(Usage: hello_client [OPTION]... [NAME]...
Connects to a hello_server, prints its greeting, sends each NAME and prints
the reply, then says "exit". With no NAME, reads names from standard input,
one per line, until end of input (empty lines are skipped).

Options:
  --host HOST          server name or address (default 127.0.0.1; IPv6 works: ::1)
  -p, --port N         server port (default 9999)
  --timeout DURATION   limit for connecting plus the greeting, and for each
                       whole reply, from sending the name to its last byte
                       (default 10s); a name lookup that hangs in the system
                       resolver is not cut short (Asio runs getaddrinfo on a
                       thread of its own)
  -h, --help           show this help and exit
  --version            show the version and exit

DURATION is a number with a unit: 250ms, 1.5s, 5m, 2h (a bare number such as 0.5
is seconds, as in curl), at most 24h: the same in every hello-asio program.
Replies go to stdout, one per line; errors to stderr. Exit status: 0 on success,
1 if the conversation failed (unknown host, refused, timeout, server hung up),
2 on a bad command line.
)";
}

}  // namespace hello::client
