#pragma once
// The server as a whole: the listening socket, the acceptor coroutine, the
// live connections, and the signals that stop it all.

#include "net/asio_compat.hpp"
#include "server/connections.hpp"
#include "server/options.hpp"
#include "server/session.hpp"

namespace hello::server {

class Server {
public:
    // Binds and listens; throws std::system_error naming what failed.
    Server(asio::io_context& io, const ServerOptions& options);

    net::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

    // Spawns the acceptor and the signal watcher on the io_context, whose
    // run() returns once a signal has stopped the server and its sessions.
    void start();

private:
    net::awaitable<void> handle_signals();
    net::awaitable<void> enforce_shutdown_timeout();
    void begin_shutdown();
    void finish_shutdown();

    asio::io_context& io_;
    ServerOptions options_;
    SessionSettings session_settings_;
    net::tcp::acceptor acceptor_;
    asio::signal_set signals_;
    asio::steady_timer shutdown_timer_;
    ConnectionRegistry connections_;
};

}  // namespace hello::server
