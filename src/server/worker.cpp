#include "server/worker.hpp"

#include <algorithm>
#include <csignal>
#include <exception>

#include "cli/values.hpp"
#include "net/log.hpp"
#include "server/acceptor.hpp"

namespace hello::server {
namespace {

using Clock = std::chrono::steady_clock;

// How often repeated log lines are summed up (and so how often an idle
// worker wakes up at most, besides its sessions' deadlines).
constexpr auto summary_interval = std::chrono::seconds(1);

}  // namespace

Worker::Worker(ServerState& server, ops::WorkerCounters& counters, int concurrency_hint)
    : io_(concurrency_hint), context_(server, counters)
{
}

void Worker::run(std::function<void()> stopped)
{
    stopped_ = std::move(stopped);
    asio::co_spawn(io_, accept_clients(acceptor_, context_), [](std::exception_ptr failure) {
        if (failure) {
            // Not one accept error (those are retried): the acceptor itself
            // is gone. Stop the whole server the orderly way rather than
            // serve half-deaf.
            net::log("The acceptor failed; shutting down.");
            std::raise(SIGTERM);
        }
    });
    asio::co_spawn(io_, sweep(), asio::detached);
    io_.run();
}

void Worker::stop()
{
    asio::post(io_, [this] { begin_stop(); });
}

void Worker::begin_stop()
{
    asio::error_code ignored;
    acceptor_.close(ignored);  // the acceptor coroutine ends
    stopping_ = true;
    stop_deadline_ = Clock::now() + context_.server.options.shutdown_timeout;
    context_.sessions.stop_all([this] { sweep_timer_.cancel(); });
    sweep_timer_.cancel();  // to look at the new deadline
}

// The worker's one timer: closes idle sessions, sums up repeated log lines,
// and ends a stop at --shutdown-timeout. It wakes for the earliest of those, so a
// worker with nothing to do sleeps for a second (at most --idle-timeout) at a
// time.
net::awaitable<void> Worker::sweep()
{
    auto& sessions = context_.sessions;
    for (;;) {
        const auto now = Clock::now();
        if (stopping_ && sessions.size() == 0) {
            stopped_();
            co_return;  // nothing of the worker's keeps io_.run() going any more
        }
        if (now >= stop_deadline_) {
            net::log("{} connection(s) still open after {}; closing them.", sessions.size(),
                     cli::format_duration(context_.server.options.shutdown_timeout));
            sessions.stop_all_now();
            stop_deadline_ = Clock::time_point::max();
        }
        sessions.close_idle(now);
        log_summaries(now);

        // Never sleep longer than one idle timeout: a session that arrives
        // meanwhile must not outstay its own.
        const auto longest_sleep =
            std::min<Clock::duration>(summary_interval, context_.server.options.idle_timeout);
        sweep_timer_.expires_at(
            std::min({sessions.next_deadline(), stop_deadline_, now + longest_sleep}));
        co_await sweep_timer_.async_wait(net::use_nothrow_awaitable);
    }
}

void Worker::log_summaries(Clock::time_point now)
{
    for (const auto& each : protocol::refusals) {
        auto& log = context_.turned_away_log[static_cast<std::size_t>(each.refusal)];
        if (const auto count = log.summary_due(now)) {
            net::log("Turned away {} more client(s) in the last {}s ({}).", count,
                     summary_interval.count(), each.option);
        }
    }
    if (const auto count = context_.accept_error_log.summary_due(now)) {
        net::log("{} more accept error(s) in the last {}s.", count, summary_interval.count());
    }
}

}  // namespace hello::server
