#pragma once
// One thread's share of the server: its own io_context, listening socket,
// acceptor coroutine and sessions. Workers share nothing but the count of
// connections, so no lock is taken on the path of a message.

#include <atomic>
#include <cstddef>

#include "net/asio_compat.hpp"
#include "server/connections.hpp"
#include "server/options.hpp"
#include "server/session.hpp"

namespace hello::server {

class Worker {
public:
    Worker(const ServerOptions& options, const SessionSettings& settings,
           std::atomic<std::size_t>& server_connections);

    asio::io_context& io() { return io_; }
    void listen_with(net::tcp::acceptor acceptor) { acceptor_ = std::move(acceptor); }

    // Serves until a shutdown has finished; call on the worker's own thread.
    void run();

    // Stops accepting, asks every session to finish the reply it is
    // writing, and closes what is left after --shutdown-timeout. Safe to
    // call from any thread.
    void shut_down();

private:
    void begin_shutdown();
    net::awaitable<void> enforce_shutdown_timeout();

    const ServerOptions& options_;
    const SessionSettings& settings_;
    // One thread runs this io_context and does all I/O on it: Asio may skip
    // the reactor's locks (posting from other threads stays safe).
    asio::io_context io_{ASIO_CONCURRENCY_HINT_UNSAFE_IO};
    net::tcp::acceptor acceptor_{io_};
    ConnectionRegistry connections_;
    asio::steady_timer shutdown_timer_{io_};
};

}  // namespace hello::server
