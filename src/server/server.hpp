#pragma once
// The server as a whole: its worker threads (one by default), and the signals
// that stop them.

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "net/asio_compat.hpp"
#include "server/options.hpp"
#include "server/connection_limit.hpp"
#include "server/worker.hpp"

namespace hello::server {

class Server {
public:
    // Binds and listens; throws std::system_error naming what failed.
    explicit Server(const ServerOptions& options);

    net::tcp::endpoint local_endpoint() const { return local_endpoint_; }

    // Serves until SIGINT or SIGTERM has stopped every worker and its
    // sessions; a second signal ends the process at once.
    void run();

private:
    net::awaitable<void> handle_signals();
    void worker_finished();

    ServerOptions options_;
    ConnectionLimit connection_limit_{options_.max_connections};
    std::vector<std::unique_ptr<Worker>> workers_;
    net::tcp::endpoint local_endpoint_;
    // Signals are waited for on a thread of their own, so that no worker
    // carries the duty of stopping the others.
    asio::io_context control_{1};
    asio::signal_set signals_{control_, SIGINT, SIGTERM};
    std::atomic<std::size_t> running_workers_{0};
};

}  // namespace hello::server
