#include "server/worker.hpp"

#include <csignal>
#include <exception>

#include "net/log.hpp"
#include "server/acceptor.hpp"

namespace hello::server {

Worker::Worker(const ServerOptions& options, const SessionSettings& settings,
               std::atomic<std::size_t>& server_connections)
    : options_(options), settings_(settings), connections_(server_connections)
{
}

void Worker::run()
{
    asio::co_spawn(io_, accept_clients(acceptor_, options_.max_connections, settings_, connections_),
                   [](std::exception_ptr failure) {
                       if (failure) {
                           // Not one accept error (those are retried): the
                           // acceptor itself is gone. Stop the whole server
                           // the orderly way rather than serve half-deaf.
                           net::log("The acceptor failed; shutting down.");
                           std::raise(SIGTERM);
                       }
                   });
    io_.run();
}

void Worker::shut_down()
{
    asio::post(io_, [this] { begin_shutdown(); });
}

void Worker::begin_shutdown()
{
    asio::error_code ignored;
    acceptor_.close(ignored);  // the acceptor coroutine ends
    if (connections_.size() == 0) {
        return;  // nothing left: run() returns
    }
    connections_.on_empty([this] { shutdown_timer_.cancel(); });
    connections_.request_stop_all();
    asio::co_spawn(io_, enforce_shutdown_timeout(), asio::detached);
}

net::awaitable<void> Worker::enforce_shutdown_timeout()
{
    shutdown_timer_.expires_after(options_.shutdown_timeout);
    if (auto [cancelled] = co_await shutdown_timer_.async_wait(net::use_nothrow_awaitable); !cancelled) {
        net::log("{} connection(s) still open after {}ms; closing them.", connections_.size(),
                 options_.shutdown_timeout.count());
        connections_.close_all();
    }
}

}  // namespace hello::server
