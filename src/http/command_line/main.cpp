// http_get: the tutorial's do_tcp.py, a web-page client, as a coroutine.

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <vector>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "http/command_line/curl_words.hpp"
#include "http/command_line/exit_codes.hpp"
#include "http/command_line/options.hpp"
#include "http/rules/clobber_rule.hpp"
#include "http/rules/failures.hpp"
#include "http/rules/route.hpp"
#include "http/rules/write_out.hpp"
#include "http/transfer/get.hpp"
#include "net/connect.hpp"
#include "protocol/printable.hpp"

namespace {

namespace net = hello::net;
using hello::http::ExitCode;

// Each kind of failure has curl's exit status for it (see exit_codes.hpp);
// the most specific types come first, since some derive from others.
// Command-line mistakes never get here: cli::run_main answers those.
ExitCode exit_code_of(const std::exception_ptr& failure)
{
    using namespace hello;
    try {
        std::rethrow_exception(failure);
    } catch (const http::UnsupportedScheme&) {
        return ExitCode::unsupported_scheme;
    } catch (const http::InvalidUrl&) {
        return ExitCode::malformed_url;
    } catch (const http::ProxyUnresolved&) {
        return ExitCode::proxy_resolve_failed;
    } catch (const net::ResolveError&) {
        return ExitCode::resolve_failed;
    } catch (const net::ConnectError&) {
        return ExitCode::connect_failed;
    } catch (const http::ProxyRefused&) {
        return ExitCode::receive_failed;
    } catch (const http::CertificateRefused&) {
        return ExitCode::certificate_refused;
    } catch (const http::TlsError&) {
        return ExitCode::tls_failed;
    } catch (const net::TimeoutError&) {
        return ExitCode::timed_out;
    } catch (const http::TimedOut&) {
        return ExitCode::timed_out;
    } catch (const http::BadChunkedEncoding&) {
        return ExitCode::receive_failed;
    } catch (const http::BadContentEncoding&) {
        return ExitCode::bad_content_encoding;
    } catch (const http::MalformedResponse&) {
        return ExitCode::weird_reply;
    } catch (const http::EmptyReply&) {
        return ExitCode::empty_reply;
    } catch (const http::ReceiveError&) {
        return ExitCode::receive_failed;
    } catch (const http::SendError&) {
        return ExitCode::send_failed;
    } catch (const http::IncompleteResponse&) {
        return ExitCode::partial_file;
    } catch (const http::TooManyRedirects&) {
        return ExitCode::too_many_redirects;
    } catch (const http::CaFileError&) {
        return ExitCode::ca_file_failed;
    } catch (const http::FileError&) {
        return ExitCode::write_error;
    } catch (const http::ReadError&) {
        return ExitCode::read_error;
    } catch (const http::FileTooLarge&) {
        return ExitCode::file_too_large;
    } catch (const http::RangeError&) {
        return ExitCode::range_error;
    } catch (const http::BadResume&) {
        return ExitCode::bad_resume;
    } catch (const http::ErrorStatus&) {
        return ExitCode::http_error;
    } catch (const http::WouldClobber&) {
        return ExitCode::would_clobber;
    } catch (...) {
        return ExitCode::other_failure;
    }
}

// The signals that end a program from a terminal or a service manager, less
// any its parent told it to ignore (nohup ignores SIGHUP, and means it).
std::vector<int> stop_signals()
{
    std::vector<int> numbers;
    for (const int number : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction current {};
        if (::sigaction(number, nullptr, &current) == 0 && current.sa_handler != SIG_IGN) {
            numbers.push_back(number);
        }
    }
    return numbers;
}

net::awaitable<std::exception_ptr> failure_of(net::awaitable<void> transfer)
{
    try {
        co_await std::move(transfer);
    } catch (...) {
        co_return std::current_exception();
    }
    co_return nullptr;
}

struct Outcome {
    std::exception_ptr failure;
    int signal = 0;  // the signal that interrupted the transfer, if one did
};

// The transfer raced against the stop signals: a signal cancels it, and its
// unwinding removes the temporary file before the program ends.
net::awaitable<Outcome> run_until_signal(net::awaitable<void> transfer, asio::signal_set& signals)
{
    using namespace asio::experimental::awaitable_operators;
    auto outcome = co_await (failure_of(std::move(transfer)) ||
                             signals.async_wait(net::use_nothrow_awaitable));
    if (outcome.index() == 0) {
        co_return Outcome{std::get<0>(outcome)};
    }
    co_return Outcome{nullptr, std::get<1>(std::get<1>(outcome))};
}

// Ends the program the way the signal would have, as curl does (a shell then
// shows 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM, 129 for
// SIGHUP), so that whoever sent it sees it obeyed.
[[noreturn]] void die_of(int signal)
{
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    std::_Exit(128 + signal);
}

}  // namespace

int main(int argc, char** argv)
{
    using namespace hello;
    return cli::run_main("http_get", [&] {
        const auto arguments = cli::arguments_of(argc, argv);
        http::GetCommand command;
        try {
            command = http::parse_get_command(arguments);
        } catch (const http::InvalidUrl& error) {
            fmt::print(stderr, "http_get: {}\n", error.what());
            return static_cast<int>(exit_code_of(std::current_exception()));
        } catch (const http::ReadError& error) {
            fmt::print(stderr, "http_get: {}\n", error.what());
            return static_cast<int>(exit_code_of(std::current_exception()));
        }
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

        // --stderr: everything below writes to stderr, so the stream itself moves.
        if (const auto& file = command.options.stderr_file) {
            const bool moved = *file == http::standard_output
                                   ? ::dup2(STDOUT_FILENO, STDERR_FILENO) >= 0
                                   : std::freopen(file->c_str(), "w", stderr) != nullptr;
            if (!moved) {
                return static_cast<int>(ExitCode::write_error);
            }
        }
        auto& output = command.options.output;
        if (command.options.no_clobber && output != http::standard_output) {
            const auto exists = [](const std::string& name) {
                struct stat status {};
                return ::lstat(name.c_str(), &status) == 0;
            };
            const auto free = http::unclobbered_name(output, exists);
            if (!free) {
                fmt::print(stderr, "http_get: {} and {}.1 to {}.100 exist (--no-clobber)\n", output,
                           output, output);
                return static_cast<int>(ExitCode::write_error);
            }
            output = *free;
        }
        // Asio sends with MSG_NOSIGNAL already; this also covers a closed stdout.
        std::signal(SIGPIPE, SIG_IGN);
        Outcome outcome;
        http::TransferFacts facts;
        const auto started = std::chrono::steady_clock::now();
        {
            asio::io_context io(1);
            asio::signal_set signals(io);
            for (const int number : stop_signals()) {
                signals.add(number);
            }
            asio::co_spawn(io, run_until_signal(http::get(command.options, facts), signals),
                           [&outcome](std::exception_ptr error, Outcome result) {
                               outcome = error ? Outcome{error} : std::move(result);
                           });
            io.run();
        }  // the signal set is gone: the signal's own disposition is back
        if (outcome.signal != 0) {
            die_of(outcome.signal);
        }
        const auto& options = command.options;
        const auto code = outcome.failure ? exit_code_of(outcome.failure) : ExitCode::success;
        if (outcome.failure && (!options.silent || options.show_error)) {
            if (const auto curl_line = http::curl_error_line(code, facts)) {
                fmt::print(stderr, "http_get: {}\n", *curl_line);
            }
            fmt::print(stderr, "http_get: {}\n", http::message_of(outcome.failure));
        }
        const int status = static_cast<int>(code);
        if (!options.write_out.empty()) {
            facts.exitcode = status;
            facts.filename_effective =
                options.output == http::standard_output ? "" : options.output;
            facts.errormsg = outcome.failure ? http::message_of(outcome.failure) : "";
            facts.time_total =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            for (const auto& name : http::unknown_variables(options.write_out)) {
                fmt::print(stderr, "http_get: unknown --write-out variable: '{}'\n",
                           protocol::printable(name, 100));
            }
            fmt::print("{}", http::render_write_out(options.write_out, facts));
            std::fflush(stdout);
        }
        return status;
    });
}
