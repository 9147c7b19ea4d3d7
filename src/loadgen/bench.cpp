#include "loadgen/bench.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <barrier>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "loadgen/descriptor_limit.hpp"
#include "loadgen/load_thread.hpp"
#include "loadgen/schedule.hpp"
#include "loadgen/session_thread.hpp"
#include "net/connect.hpp"

namespace hello::loadgen {
namespace {

// Descriptors the process needs besides its connections: stdio, epoll,
// eventfds, the resolver, and some slack.
constexpr std::size_t spare_descriptors = 64;
constexpr auto probe_timeout = std::chrono::seconds(10);
constexpr auto progress_period = std::chrono::seconds(1);

void ensure_descriptors_for(std::size_t connections)
{
    const auto limit = raise_descriptor_limit();
    if (limit < connections + spare_descriptors) {
        throw std::runtime_error(fmt::format(
            "{} connections need about {} open files, and the limit is {} (see ulimit -Hn)",
            connections, connections + spare_descriptors, limit));
    }
}

// Resolves the host and connects once, the way hello_client does (every
// address in turn), so that a wrong port or host fails once, clearly, before
// thousands of connections fail; then every connection goes to the address
// that answered.
net::tcp::endpoint find_server(const BenchOptions& options)
{
    asio::io_context io(1);
    net::tcp::endpoint server;
    std::exception_ptr failure;
    asio::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
            auto probe = co_await net::connect_to(options.host, options.port, probe_timeout);
            server = probe.remote_endpoint();
        },
        [&](std::exception_ptr error) { failure = error; });
    io.run();
    if (failure) {
        std::rethrow_exception(failure);
    }
    return server;
}

// Waits for the load threads, showing progress meanwhile when asked to: the
// replies (or sessions) per second and the p99 of the last period, from the
// counts each thread keeps for it.
template <class Thread>
class ProgressLine {
public:
    ProgressLine(bool shown, const BenchOptions& options) : shown_(shown), options_(options) {}

    void thread_finished()
    {
        std::lock_guard lock(mutex_);
        ++finished_;
        changed_.notify_one();
    }

    void wait_for(const std::vector<std::unique_ptr<Thread>>& load_threads)
    {
        std::unique_lock lock(mutex_);
        while (!changed_.wait_for(lock, progress_period,
                                  [&] { return finished_ == load_threads.size(); })) {
            if (shown_) {
                show(load_threads);
            }
        }
        if (shown_ && shown_once_) {
            fmt::print(stderr, "\r\033[K");
        }
    }

private:
    void show(const std::vector<std::unique_ptr<Thread>>& load_threads)
    {
        const auto now = Clock::now();
        Progress progress;
        progress.wanted = options_.connections;
        progress.rate = options_.rate;
        progress.reconnect = options_.reconnect;
        std::vector<std::uint64_t> counts;
        for (const auto& thread : load_threads) {
            const auto& tally = thread->tally();
            progress.connected += tally.connected();
            progress.replies += options_.reconnect ? tally.sessions() : tally.replies();
            progress.errors += tally.error_count();
            tally.add_live_latency(counts);
        }
        // Each line shows the second that has just ended: the first look
        // after the load began only starts the count.
        progress.running = running_since_.has_value();
        if (!running_since_ && load_threads.front()->tally().conversing()) {
            running_since_ = now;
            last_shown_ = now;
            last_counts_ = std::move(counts);
            last_replies_ = progress.replies;
        } else if (running_since_) {
            progress.elapsed = now - *running_since_;
            const auto period = std::chrono::duration<double>(now - last_shown_).count();
            if (period > 0) {
                progress.recent_rate =
                    static_cast<double>(progress.replies - last_replies_) / period;
            }
            auto recent = counts;
            for (std::size_t i = 0; i < last_counts_.size(); ++i) {
                recent[i] -= last_counts_[i];
            }
            const auto histogram = LatencyHistogram::from_counts(recent);
            if (histogram.count() > 0) {
                progress.recent_p99 = histogram.percentile(99);
            }
            last_counts_ = std::move(counts);
            last_replies_ = progress.replies;
            last_shown_ = now;
        }
        fmt::print(stderr, "\r\033[K{}", format_progress(progress));
        std::fflush(stderr);
        shown_once_ = true;
    }

    bool shown_;
    const BenchOptions& options_;
    bool shown_once_ = false;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t finished_ = 0;
    std::optional<Clock::time_point> running_since_;
    Clock::time_point last_shown_;
    std::uint64_t last_replies_ = 0;
    std::vector<std::uint64_t> last_counts_;
};

// Marks the start of the measured window, the same for every thread: the
// open-loop schedule counts from it.
struct StartClock {
    Clock::time_point* start;
    void operator()() noexcept { *start = Clock::now(); }
};

// A load thread: connect, wait until every thread has connected (so that
// the measurement starts with all clients ready), then converse.
template <class Thread>
void drive(Thread& thread, std::barrier<StartClock>& all_connected, const Clock::time_point& start,
           ProgressLine<Thread>& progress, std::exception_ptr& failure)
{
    bool arrived = false;
    try {
        thread.connect_all();
        arrived = true;
        all_connected.arrive_and_wait();
        thread.converse_all(start);
    } catch (...) {
        failure = std::current_exception();
        if (!arrived) {
            all_connected.arrive_and_drop();
        }
    }
    progress.thread_finished();
}

template <class Thread>
RunSummary add_up(const BenchOptions& options,
                  const std::vector<std::unique_ptr<Thread>>& load_threads)
{
    RunSummary summary;
    summary.connections_wanted = options.connections;
    summary.threads = load_threads.size();
    summary.framing = options.framing;
    summary.rate = options.rate;
    summary.pipeline = options.pipeline;
    summary.reconnect = options.reconnect;
    summary.names = options.reconnect ? options.names : 0;
    auto first_start = Clock::time_point::max();
    auto last_finish = Clock::time_point::min();
    for (std::size_t i = 0; i < load_threads.size(); ++i) {
        const auto& tally = load_threads[i]->tally();
        summary.connections_made += tally.connected();
        summary.replies += tally.replies();
        summary.latency.merge(tally.latency());
        summary.errors += tally.errors();
        summary.unsent += tally.unsent();
        summary.sessions += tally.sessions();  // none without --reconnect
        summary.connect_latency.merge(tally.connect_latency());
        summary.per_thread.push_back(ThreadShare{
            .connections = connections_of_thread(options.connections, load_threads.size(), i),
            .rate = options.rate
                        ? rate_of_thread(*options.rate, options.connections, load_threads.size(), i)
                        : 0.0,
            .replies = tally.latency().count(),
        });
        first_start = std::min(first_start, tally.started());
        last_finish = std::max(last_finish, tally.finished());
    }
    summary.elapsed = std::max(Clock::duration{}, last_finish - first_start);
    summary.started =
        summary.elapsed > Clock::duration{} ? first_start.time_since_epoch() : Clock::duration{};
    return summary;
}

template <class Thread>
RunResult run_with(const BenchOptions& options, const LoadPlan& plan, bool show_progress)
{
    const auto threads = plan.threads;
    std::vector<std::unique_ptr<Thread>> load_threads;
    for (std::size_t i = 0; i < threads; ++i) {
        load_threads.push_back(std::make_unique<Thread>(plan, i));
    }
    Clock::time_point start;
    std::barrier all_connected(static_cast<std::ptrdiff_t>(threads), StartClock{&start});
    ProgressLine<Thread> progress(show_progress, options);
    std::vector<std::exception_ptr> failures(threads);
    {
        std::vector<std::jthread> running;
        for (std::size_t i = 0; i < threads; ++i) {
            running.emplace_back(drive<Thread>, std::ref(*load_threads[i]), std::ref(all_connected),
                                 std::cref(start), std::ref(progress), std::ref(failures[i]));
        }
        progress.wait_for(load_threads);
    }
    for (const auto& failure : failures) {
        if (failure) {
            std::rethrow_exception(failure);
        }
    }

    RunResult result{.summary = add_up(options, load_threads), .error_samples = {}};
    for (const auto& thread : load_threads) {
        for (const auto& sample : thread->tally().error_samples()) {
            result.error_samples.push_back(sample);
        }
    }
    return result;
}

}  // namespace

RunResult run_bench(const BenchOptions& options, bool show_progress)
{
    ensure_descriptors_for(options.connections);
    const auto threads = std::min(options.threads, options.connections);
    const LoadPlan plan{
        .server = find_server(options),
        .total_connections = options.connections,
        .threads = threads,
        .framing = options.framing,
        .messages_per_connection = options.messages_per_connection,
        .duration = options.duration,
        .rate = options.rate,
        .pipeline = options.pipeline,
        .proxy_v1 = options.proxy_v1,
        .live_latency = show_progress,
        .names = options.names,
    };
    return options.reconnect ? run_with<SessionThread>(options, plan, show_progress)
                             : run_with<LoadThread>(options, plan, show_progress);
}

}  // namespace hello::loadgen
