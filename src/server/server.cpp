#include "server/server.hpp"

#include <fmt/format.h>

#include <array>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <string_view>
#include <thread>

#include "net/endpoint.hpp"
#include "net/listen.hpp"
#include "net/log.hpp"
#include "ops/metrics_text.hpp"
#include "ops/process_stats.hpp"
#include "ops/status_line.hpp"
#include "server/listeners.hpp"

namespace hello::server {
namespace {

using net::use_nothrow_awaitable;

// How often systemd hears the connection count (STATUS=, `systemctl status`).
constexpr auto systemd_status_interval = std::chrono::seconds(5);

void log_signal(std::string_view name, std::string_view message)
{
    const std::array<net::LogField, 1> fields{{{"signal", name}}};
    net::log_event(net::LogLevel::info, "signal", {}, fields, message);
}

void log_status(const ops::CountersSnapshot& counters)
{
    std::array<std::string, protocol::refusal_count> rejected_names;
    std::vector<net::LogField> fields{
        {"connections", counters.connections_open},
        {"accepted", counters.accepted},
    };
    for (const auto& each : protocol::refusals) {
        auto& name = rejected_names[static_cast<std::size_t>(each.refusal)];
        name = fmt::format("rejected_{}", each.label);
        fields.push_back({name, counters.rejected_for(each.refusal)});
    }
    fields.insert(fields.end(), {
                                    {"messages", counters.messages},
                                    {"bytes_in", counters.received_bytes},
                                    {"bytes_out", counters.sent_bytes},
                                });
    net::log_event(net::LogLevel::info, "status", {}, fields,
                   fmt::format("Status: {}.", ops::status_line(counters)));
}

void log_listening(std::string_view event, const net::tcp::endpoint& endpoint,
                   std::string_view message_format)
{
    const auto address = net::to_string(endpoint);
    const std::array<net::LogField, 1> fields{{{"address", std::string_view(address)}}};
    net::log_event(net::LogLevel::info, event, {}, fields,
                   fmt::format(fmt::runtime(message_format), address));
}

std::size_t thread_count(const ServerOptions& options)
{
    if (options.threads != 0) {
        return options.threads;
    }
    return std::max(1U, std::thread::hardware_concurrency());
}

// With one worker the process runs one thread, and nothing ever calls into
// the worker's io_context from another: Asio may skip its scheduler's locks too.
std::vector<std::unique_ptr<Worker>> make_workers(ServerState& state,
                                                  std::vector<ops::WorkerCounters>& counters)
{
    std::vector<std::unique_ptr<Worker>> workers;
    const int concurrency_hint =
        counters.size() == 1 ? ASIO_CONCURRENCY_HINT_UNSAFE : ASIO_CONCURRENCY_HINT_UNSAFE_IO;
    for (auto& each : counters) {
        workers.push_back(std::make_unique<Worker>(state, each, concurrency_hint));
    }
    return workers;
}

}  // namespace

Server::Server(const ServerOptions& options)
    : state_(options),
      counters_(thread_count(options)),
      workers_(make_workers(state_, counters_)),
      own_control_(workers_.size() > 1 ? std::make_unique<asio::io_context>(1) : nullptr),
      control_(own_control_ ? *own_control_ : workers_.front()->io())
{
    std::vector<asio::io_context*> contexts;
    for (auto& worker : workers_) {
        contexts.push_back(&worker->io());
    }
    auto listeners = open_listeners(contexts, state_.options);
    local_endpoint_ = listeners.front().local_endpoint();
    for (std::size_t i = 0; i < workers_.size(); ++i) {
        workers_[i]->listen_with(std::move(listeners[i]));
    }
    if (state_.options.metrics) {
        metrics_.emplace(
            control_,
            net::listen_endpoint(control_, state_.options.metrics->host,
                                 state_.options.metrics->port, "metrics"),
            [this] { return ops::render_metrics(counters_snapshot(), ops::read_process_stats()); });
    }
}

ops::CountersSnapshot Server::counters_snapshot() const
{
    auto total = ops::sum_counters(counters_);
    // The connection limit already counts the open connections across
    // workers: the gauge reads that one count.
    total.connections_open = state_.connections.taken();
    return total;
}

void Server::run()
{
    if (metrics_) {
        log_listening("metrics", metrics_->local_endpoint(),
                      "Serving metrics at http://{}/metrics");
        metrics_->start();
    }
    log_listening("listening", local_endpoint_, "Listening on {}");
    if (workers_.size() > 1) {
        net::log("Serving with {} threads.", workers_.size());
    }
    net::log("Waiting for connection...");
    asio::co_spawn(control_, handle_signals(), asio::detached);
    asio::co_spawn(control_, handle_operator_signals(), asio::detached);
    if (systemd_.active()) {
        systemd_.notify("READY=1\nSTATUS=" + ops::status_line(counters_snapshot()));
        asio::co_spawn(control_, report_status_to_systemd(), asio::detached);
    }

    running_workers_ = workers_.size();
    if (!own_control_) {
        workers_.front()->run([this] { worker_stopped(); });  // and control_ with it
        return;
    }
    std::vector<std::jthread> threads;
    try {
        for (auto& worker : workers_) {
            threads.emplace_back([this, &worker] { worker->run([this] { worker_stopped(); }); });
        }
    } catch (...) {
        // Out of threads: stop the workers that did start, or joining them
        // on the way out would wait forever.
        for (auto& worker : workers_) {
            worker->stop();
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
    const std::string_view name = signal == SIGINT ? "SIGINT" : "SIGTERM";
    log_signal(name, fmt::format("Received {}, shutting down...", name));
    systemd_.notify("STOPPING=1\nSTATUS=Shutting down");
    stop();

    auto [cancelled, again] = co_await signals_.async_wait(use_nothrow_awaitable);
    if (!cancelled) {
        // The user insists: leave without waiting for anyone. Unwinding would
        // have to destroy sessions suspended mid-write on other threads;
        // there is nothing left to flush, so the process simply ends.
        net::log("Received a second signal, exiting now.");
        std::_Exit(1);
    }
}

net::awaitable<void> Server::handle_operator_signals()
{
    for (;;) {
        auto [error, signal] = co_await operator_signals_.async_wait(use_nothrow_awaitable);
        if (error) {
            co_return;  // the server is done
        }
        if (signal == SIGHUP) {
            log_signal("SIGHUP",
                       "Received SIGHUP; there is no configuration to reload, carrying on.");
        } else {
            log_status(counters_snapshot());
        }
    }
}

net::awaitable<void> Server::report_status_to_systemd()
{
    for (;;) {
        status_timer_.expires_after(systemd_status_interval);
        if (auto [cancelled] = co_await status_timer_.async_wait(use_nothrow_awaitable);
            cancelled) {
            co_return;  // shutting down: STOPPING=1 was the last word
        }
        systemd_.notify("STATUS=" + ops::status_line(counters_snapshot()));
    }
}

void Server::stop()
{
    status_timer_.cancel();
    for (auto& worker : workers_) {
        worker->stop();
    }
}

// Called on each worker's thread once its stop is complete; the last one
// lets the control io_context's run() return by cancelling what waits on it.
void Server::worker_stopped()
{
    if (--running_workers_ == 0) {
        asio::post(control_, [this] {
            asio::error_code ignored;
            signals_.cancel(ignored);
            operator_signals_.cancel(ignored);
            status_timer_.cancel();
            if (metrics_) {
                metrics_->stop();  // scrapes are answered until the last client is gone
            }
        });
    }
}

}  // namespace hello::server
