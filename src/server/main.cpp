// hello_server: the tutorial's echo_server.py, one coroutine per client.

#include <fmt/format.h>

#include <csignal>
#include <cstdlib>
#include <exception>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "net/log.hpp"
#include "server/options.hpp"
#include "server/server.hpp"

int main(int argc, char** argv)
{
    using namespace hello;
    return cli::run_main("hello_server", [&] {
        const auto arguments = cli::arguments_of(argc, argv);
        const auto command = server::parse_server_command(arguments);
        if (cli::answer_help_or_version(command.action, "hello_server", server::server_usage())) {
            return 0;
        }

        // journald stamps each line itself; JOURNAL_STREAM tells a service
        // that its stderr goes there (systemd.exec(5)).
        net::log_settings = {
            .format = command.options.log_format,
            .timestamps = std::getenv("JOURNAL_STREAM") == nullptr,
        };
        // Asio sends with MSG_NOSIGNAL already; this also covers a closed stderr.
        std::signal(SIGPIPE, SIG_IGN);
        server::Server hello_server(command.options);
        hello_server.run();
        return 0;
    });
}
