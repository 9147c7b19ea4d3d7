#include "server/server.hpp"

#include <csignal>
#include <cstdlib>
#include <exception>
#include <thread>

#include "net/endpoint.hpp"
#include "net/log.hpp"
#include "server/listeners.hpp"

namespace hello::server {
namespace {

using net::use_nothrow_awaitable;

std::size_t thread_count(const ServerOptions& options)
{
    if (options.threads != 0) {
        return options.threads;
    }
    return std::max(1U, std::thread::hardware_concurrency());
}

}  // namespace

Server::Server(const ServerOptions& options)
    : options_(options)
{
    std::vector<asio::io_context*> contexts;
    for (std::size_t i = 0; i < thread_count(options_); ++i) {
        workers_.push_back(std::make_unique<Worker>(options_, connection_limit_));
        contexts.push_back(&workers_.back()->io());
    }
    auto listeners = open_listeners(contexts, options_);
    local_endpoint_ = listeners.front().local_endpoint();
    for (std::size_t i = 0; i < workers_.size(); ++i) {
        workers_[i]->listen_with(std::move(listeners[i]));
    }
}

void Server::run()
{
    net::log("Listening on {}", net::to_string(local_endpoint_));
    if (workers_.size() > 1) {
        net::log("Serving with {} threads.", workers_.size());
    }
    net::log("Waiting for connection...");
    asio::co_spawn(control_, handle_signals(), asio::detached);

    running_workers_ = workers_.size();
    std::vector<std::jthread> threads;
    try {
        for (auto& worker : workers_) {
            threads.emplace_back([this, &worker] {
                worker->run();
                worker_finished();
            });
        }
    } catch (...) {
        // Out of threads: stop the workers that did start, or joining them
        // on the way out would wait forever.
        for (auto& worker : workers_) {
            worker->shut_down();
        }
        throw;
    }
    control_.run();
}  // the threads are joined here; each has finished its io_context

net::awaitable<void> Server::handle_signals()
{
    auto [error, signal] = co_await signals_.async_wait(use_nothrow_awaitable);
    if (error) {
        co_return;
    }
    net::log("Received {}, shutting down...", signal == SIGINT ? "SIGINT" : "SIGTERM");
    for (auto& worker : workers_) {
        worker->shut_down();
    }

    auto [cancelled, again] = co_await signals_.async_wait(use_nothrow_awaitable);
    if (!cancelled) {
        // The user insists: leave without waiting for anyone. Unwinding would
        // have to destroy sessions suspended mid-write on other threads;
        // there is nothing left to flush, so the process simply ends.
        net::log("Received a second signal, exiting now.");
        std::_Exit(1);
    }
}

// Called on each worker's thread as it finishes; the last one lets the
// control thread's run() return by cancelling the wait for a second signal.
void Server::worker_finished()
{
    if (--running_workers_ == 0) {
        asio::post(control_, [this] {
            asio::error_code ignored;
            signals_.cancel(ignored);
        });
    }
}

}  // namespace hello::server
