// http_get: the tutorial's do_tcp.py, a web-page client, as a coroutine.

#include <fmt/format.h>

#include <csignal>
#include <cstdlib>
#include <exception>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "http/errors.hpp"
#include "http/exit_codes.hpp"
#include "http/get.hpp"
#include "http/options.hpp"
#include "http/route.hpp"
#include "net/connect.hpp"

namespace {

using hello::http::ExitCode;

// Each kind of failure has its own exit status (see exit_codes.hpp).
// Command-line mistakes never get here: cli::run_main answers those.
ExitCode exit_code_of(const std::exception_ptr& failure)
{
    using namespace hello;
    try {
        std::rethrow_exception(failure);
    } catch (const net::ResolveError&) {
        return ExitCode::resolve_failed;
    } catch (const net::ConnectError&) {
        return ExitCode::connect_failed;
    } catch (const http::ProxyRefused&) {
        return ExitCode::connect_failed;
    } catch (const http::TlsError&) {
        return ExitCode::tls_failed;
    } catch (const net::TimeoutError&) {
        return ExitCode::timed_out;
    } catch (const http::TimedOut&) {
        return ExitCode::timed_out;
    } catch (const http::MalformedResponse&) {
        return ExitCode::malformed_response;
    } catch (const http::IncompleteResponse&) {
        return ExitCode::incomplete_response;
    } catch (const http::TooManyRedirects&) {
        return ExitCode::too_many_redirects;
    } catch (const http::FileError&) {
        return ExitCode::file_error;
    } catch (const http::ErrorStatus&) {
        return ExitCode::error_status;
    } catch (...) {
        return ExitCode::other_failure;
    }
}

std::string message_of(const std::exception_ptr& failure)
{
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception& error) {
        return error.what();
    } catch (...) {
        return "unknown failure";
    }
}

}  // namespace

int main(int argc, char** argv)
{
    using namespace hello;
    return cli::run_main("http_get", [&] {
        const auto arguments = cli::arguments_of(argc, argv);
        auto command = http::parse_get_command(arguments);
        if (cli::answer_help_or_version(command.action, "http_get", http::get_usage())) {
            return 0;
        }
        try {
            command.options.proxies =
                http::proxy_settings(command.options.proxy, [](const char* name) {
                    return static_cast<const char*>(std::getenv(name));
                });
        } catch (const http::InvalidSetting& error) {
            throw cli::UsageError(error.what());
        }

        // Asio sends with MSG_NOSIGNAL already; this also covers a closed stdout.
        std::signal(SIGPIPE, SIG_IGN);
        asio::io_context io(1);
        std::exception_ptr failure;
        asio::co_spawn(io, http::get(command.options),
                       [&failure](std::exception_ptr error) { failure = error; });
        io.run();
        if (!failure) {
            return 0;
        }
        fmt::print(stderr, "http_get: {}\n", message_of(failure));
        return static_cast<int>(exit_code_of(failure));
    });
}
