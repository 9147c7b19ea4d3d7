// hello_client: the tutorial's echo_client.py, as a coroutine.

#include <fmt/format.h>

#include <exception>
#include <memory>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "client/client.hpp"
#include "client/options.hpp"

namespace {

std::unique_ptr<hello::client::NameSource> name_source(const hello::client::ClientOptions& options,
                                                       asio::io_context& io)
{
    using namespace hello::client;
    if (options.names.empty()) {
        return std::make_unique<StdinLines>(io.get_executor());
    }
    return std::make_unique<ListedNames>(options.names);
}

}  // namespace

int main(int argc, char** argv)
{
    using namespace hello;
    return cli::run_main("hello_client", [&] {
        const auto arguments = cli::arguments_of(argc, argv);
        const auto command = client::parse_client_command(arguments);
        if (cli::answer_help_or_version(command.action, "hello_client", client::client_usage())) {
            return 0;
        }

        asio::io_context io(1);
        const auto names = name_source(command.options, io);
        std::exception_ptr failure;
        asio::co_spawn(io, client::greet(command.options, *names),
                       [&failure](std::exception_ptr error) { failure = error; });
        io.run();
        if (failure) {
            std::rethrow_exception(failure);
        }
        return 0;
    });
}
