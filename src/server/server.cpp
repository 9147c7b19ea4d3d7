#include "server/server.hpp"

#include <csignal>
#include <cstdlib>
#include <system_error>

#include "net/endpoint.hpp"
#include "net/log.hpp"
#include "server/acceptor.hpp"
#include "server/socket_activation.hpp"

namespace hello::server {
namespace {

using net::tcp;
using net::use_nothrow_awaitable;

SessionSettings session_settings_from(const ServerOptions& options)
{
    return SessionSettings{
        .delay = options.delay,
        .max_message = options.max_message,
        .idle_timeout = options.idle_timeout,
        .log_connections = !options.quiet,
        .log_messages = options.verbose,
        .proxy_protocol = options.proxy_protocol,
        .proxy_header_timeout = options.proxy_header_timeout,
    };
}

// Startup happens before any coroutine runs, so resolving the listen address
// here blocks nothing; it lets --host take "localhost" as well as addresses.
tcp::endpoint listen_endpoint(asio::io_context& io, const ServerOptions& options)
{
    tcp::resolver resolver(io);
    asio::error_code error;
    const auto results = resolver.resolve(options.host, std::to_string(options.port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service,
                                          error);
    if (error || results.empty()) {
        throw std::system_error(error, fmt::format("invalid listen address '{}'", options.host));
    }
    return results.begin()->endpoint();
}

tcp::acceptor listen_on(asio::io_context& io, const tcp::endpoint& endpoint)
{
    tcp::acceptor acceptor(io);
    const auto where = net::to_string(endpoint);
    asio::error_code error;
    acceptor.open(endpoint.protocol(), error);
    if (!error) {
        acceptor.set_option(tcp::acceptor::reuse_address(true), error);
    }
    if (!error) {
        acceptor.bind(endpoint, error);
    }
    if (!error) {
        acceptor.listen(asio::socket_base::max_listen_connections, error);
    }
    if (error) {
        throw std::system_error(error, fmt::format("cannot listen on {}", where));
    }
    return acceptor;
}

// systemd socket activation: a socket passed in replaces --host and --port.
tcp::acceptor listening_socket(asio::io_context& io, const ServerOptions& options)
{
    if (auto inherited = inherited_acceptor(io)) {
        return std::move(*inherited);
    }
    return listen_on(io, listen_endpoint(io, options));
}

}  // namespace

Server::Server(asio::io_context& io, const ServerOptions& options)
    : io_(io),
      options_(options),
      session_settings_(session_settings_from(options)),
      acceptor_(listening_socket(io, options)),
      signals_(io, SIGINT, SIGTERM),
      shutdown_timer_(io)
{
}

void Server::start()
{
    net::log("Listening on {}", net::to_string(local_endpoint()));
    net::log("Waiting for connection...");
    asio::co_spawn(io_, accept_clients(acceptor_, options_.max_connections, session_settings_,
                                       connections_),
                   asio::detached);
    asio::co_spawn(io_, handle_signals(), asio::detached);
}

net::awaitable<void> Server::handle_signals()
{
    auto [error, signal] = co_await signals_.async_wait(use_nothrow_awaitable);
    if (error) {
        co_return;
    }
    net::log("Received {}, shutting down...", signal == SIGINT ? "SIGINT" : "SIGTERM");
    begin_shutdown();
    if (connections_.size() == 0) {
        co_return;  // nothing left to wait for
    }

    auto [cancelled, again] = co_await signals_.async_wait(use_nothrow_awaitable);
    if (!cancelled) {
        // The user insists: leave without waiting for anyone. Unwinding would
        // have to destroy sessions suspended mid-write; there is nothing left
        // to flush, so the process simply ends.
        net::log("Received a second signal, exiting now.");
        std::_Exit(1);
    }
}

void Server::begin_shutdown()
{
    asio::error_code ignored;
    acceptor_.close(ignored);  // the acceptor coroutine ends
    if (connections_.size() == 0) {
        return;
    }
    connections_.on_empty([this] { finish_shutdown(); });
    connections_.request_stop_all();
    asio::co_spawn(io_, enforce_shutdown_timeout(), asio::detached);
}

net::awaitable<void> Server::enforce_shutdown_timeout()
{
    shutdown_timer_.expires_after(options_.shutdown_timeout);
    if (auto [cancelled] = co_await shutdown_timer_.async_wait(use_nothrow_awaitable); !cancelled) {
        net::log("{} connection(s) still open after {}ms; closing them.", connections_.size(),
                 options_.shutdown_timeout.count());
        connections_.close_all();
    }
}

// Once nothing is left to wait for, io_context::run() returns by itself.
void Server::finish_shutdown()
{
    asio::error_code ignored;
    signals_.cancel(ignored);
    shutdown_timer_.cancel();
}

}  // namespace hello::server
