#pragma once
// One thread's share of the server: its own io_context, listening socket,
// acceptor coroutine, sessions and the one timer that sweeps them. What
// workers share is the ServerState, read-only but for its atomic limits, so
// no lock is taken on the path of a message.

#include <chrono>
#include <functional>

#include "net/asio_compat.hpp"
#include "server/session_context.hpp"

namespace hello::server {

class Worker {
public:
    // `concurrency_hint`: ASIO_CONCURRENCY_HINT_UNSAFE_IO lets other threads
    // call stop(); ASIO_CONCURRENCY_HINT_UNSAFE is for a worker that is the
    // process's only thread.
    Worker(ServerState& server, ops::WorkerCounters& counters,
           int concurrency_hint = ASIO_CONCURRENCY_HINT_UNSAFE_IO);

    asio::io_context& io() { return io_; }
    void listen_with(net::tcp::acceptor acceptor) { acceptor_ = std::move(acceptor); }

    // Serves until stop() has finished, then calls `stopped` (still on this
    // thread) and returns once nothing else runs on its io_context.
    void run(std::function<void()> stopped = [] {});

    // Stops accepting, asks every session to finish the reply it is
    // writing, and closes what is left after --shutdown-timeout. Safe to
    // call from any thread.
    void stop();

private:
    void begin_stop();
    net::awaitable<void> sweep();
    void log_summaries(std::chrono::steady_clock::time_point now);

    // One thread runs this io_context and does all I/O on it: Asio may skip
    // the reactor's locks.
    asio::io_context io_;
    net::tcp::acceptor acceptor_{io_};
    SessionContext context_;
    asio::steady_timer sweep_timer_{io_};
    std::chrono::steady_clock::time_point stop_deadline_ =
        std::chrono::steady_clock::time_point::max();
    bool stopping_ = false;
    std::function<void()> stopped_;
};

}  // namespace hello::server
