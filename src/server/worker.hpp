#pragma once
// One thread's share of the server: its own io_context, listening socket,
// acceptor coroutine, sessions and the one timer that looks after them.
// Workers share nothing but the connection limit, so no lock is taken on the
// path of a message.

#include <chrono>

#include "net/asio_compat.hpp"
#include "server/connection_limit.hpp"
#include "server/counters.hpp"
#include "server/log_throttle.hpp"
#include "server/options.hpp"
#include "server/session_list.hpp"

namespace hello::server {

class Worker {
public:
    Worker(const ServerOptions& options, ConnectionLimit& limit, WorkerCounters& counters);

    asio::io_context& io() { return io_; }
    void listen_with(net::tcp::acceptor acceptor) { acceptor_ = std::move(acceptor); }

    // Serves until a shutdown has finished; call on the worker's own thread.
    void run();

    // Stops accepting, asks every session to finish the reply it is
    // writing, and closes what is left after --shutdown-timeout. Safe to
    // call from any thread.
    void shut_down();

    // For the acceptor and the sessions, on this worker's thread.
    const ServerOptions& options() const { return options_; }
    ConnectionLimit& limit() { return limit_; }
    SessionList& sessions() { return sessions_; }
    WorkerCounters& counters() { return counters_; }
    net::tcp::acceptor& acceptor() { return acceptor_; }
    LogThrottle& turned_away_log() { return turned_away_log_; }
    LogThrottle& accept_error_log() { return accept_error_log_; }

private:
    void begin_shutdown();
    net::awaitable<void> keep_house();
    void log_summaries(std::chrono::steady_clock::time_point now);

    const ServerOptions& options_;
    ConnectionLimit& limit_;
    WorkerCounters& counters_;  // written by this worker's thread only
    // One thread runs this io_context and does all I/O on it: Asio may skip
    // the reactor's locks (posting from other threads stays safe).
    asio::io_context io_{ASIO_CONCURRENCY_HINT_UNSAFE_IO};
    net::tcp::acceptor acceptor_{io_};
    SessionList sessions_;
    asio::steady_timer housekeeping_{io_};
    std::chrono::steady_clock::time_point shutdown_deadline_ =
        std::chrono::steady_clock::time_point::max();
    bool shutting_down_ = false;
    LogThrottle turned_away_log_;
    LogThrottle accept_error_log_;
};

}  // namespace hello::server
