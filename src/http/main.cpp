// http_get: the tutorial's do_tcp.py, a web-page client, as a coroutine.

#include <fmt/format.h>

#include <csignal>
#include <exception>

#include "cli/arguments.hpp"
#include "http/errors.hpp"
#include "http/exit_codes.hpp"
#include "http/get.hpp"
#include "http/options.hpp"
#include "net/connect.hpp"

namespace {

using hello::http::ExitCode;

// Each kind of failure has its own exit status (see exit_codes.hpp).
ExitCode exit_code_of(const std::exception_ptr& failure)
{
    using namespace hello;
    try {
        std::rethrow_exception(failure);
    } catch (const cli::UsageError&) {
        return ExitCode::usage;
    } catch (const net::ResolveError&) {
        return ExitCode::resolve_failed;
    } catch (const net::ConnectError&) {
        return ExitCode::connect_failed;
    } catch (const http::TlsError&) {
        return ExitCode::tls_failed;
    } catch (const net::TimeoutError&) {
        return ExitCode::timed_out;
    } catch (const http::MalformedResponse&) {
        return ExitCode::malformed_response;
    } catch (const http::IncompleteResponse&) {
        return ExitCode::incomplete_response;
    } catch (const http::TooManyRedirects&) {
        return ExitCode::too_many_redirects;
    } catch (const http::FileError&) {
        return ExitCode::file_error;
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
    std::exception_ptr failure;
    try {
        const auto arguments = cli::arguments_of(argc, argv);
        const auto command = http::parse_get_command(arguments);
        if (cli::answer_help_or_version(command.action, "http_get", http::get_usage())) {
            return 0;
        }

        // Asio sends with MSG_NOSIGNAL already; this also covers a closed stdout.
        std::signal(SIGPIPE, SIG_IGN);
        asio::io_context io(1);
        asio::co_spawn(io, http::get(command.options),
                       [&failure](std::exception_ptr error) { failure = error; });
        io.run();
    } catch (...) {
        failure = std::current_exception();
    }
    if (!failure) {
        return 0;
    }
    const auto code = exit_code_of(failure);
    fmt::print(stderr, "http_get: {}\n", message_of(failure));
    if (code == ExitCode::usage) {
        fmt::print(stderr, "Try 'http_get --help'.\n");
    }
    return static_cast<int>(code);
}
