#pragma once
// The server as a whole: its worker threads (one by default), the signals
// that stop them, and what an operator sees from outside: /metrics.

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "net/asio_compat.hpp"
#include "ops/counters.hpp"
#include "ops/metrics_endpoint.hpp"
#include "ops/systemd_notify.hpp"
#include "server/options.hpp"
#include "server/server_state.hpp"
#include "server/worker.hpp"

namespace hello::server {

class Server {
public:
    // Binds and listens; throws std::system_error naming what failed.
    explicit Server(const ServerOptions& options);

    // Serves until SIGINT or SIGTERM has stopped every worker and its
    // sessions; a second signal ends the process at once.
    void run();

    // Every worker's counters added up, as /metrics and SIGUSR1 report them.
    // Safe to call from any thread.
    ops::CountersSnapshot counters_snapshot() const;

private:
    net::awaitable<void> handle_signals();
    net::awaitable<void> handle_operator_signals();
    net::awaitable<void> report_status_to_systemd();
    // Stops every worker: each stops accepting, and its sessions finish and
    // close.
    void stop();
    void worker_stopped();

    ServerState state_;
    // One per worker, each written by its worker's thread only; allocated
    // before any thread starts and never resized, so their addresses hold.
    std::vector<ops::WorkerCounters> counters_;
    std::vector<std::unique_ptr<Worker>> workers_;
    net::tcp::endpoint local_endpoint_;
    // Signals, /metrics and systemd's status line are looked after by the
    // control io_context. With several workers it runs on a thread of its
    // own, so that no worker carries the duty of stopping the others. With
    // one it is the worker's own: the whole server is then one thread, which
    // skips every lock (and glibc's cancellation bookkeeping on each system
    // call; what that saves is in docs/BENCHMARKS.md).
    std::unique_ptr<asio::io_context> own_control_;
    asio::io_context& control_;
    asio::signal_set signals_{control_, SIGINT, SIGTERM};
    // SIGHUP (a closed terminal, `systemctl reload`) and SIGUSR1 (a status
    // line in the log) must not end the server as their defaults do.
    asio::signal_set operator_signals_{control_, SIGHUP, SIGUSR1};
    ops::SystemdNotifier systemd_ = ops::SystemdNotifier::from_environment();
    asio::steady_timer status_timer_{control_};
    std::optional<ops::MetricsEndpoint> metrics_;  // lives on control_
    std::atomic<std::size_t> running_workers_{0};
};

}  // namespace hello::server
