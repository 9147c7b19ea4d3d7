#include "loadgen/run_summary.hpp"

#include <fmt/format.h>

#include <iterator>

namespace hello::loadgen {
namespace {

double seconds(std::chrono::nanoseconds duration)
{
    return std::chrono::duration<double>(duration).count();
}

double microseconds(std::uint64_t nanoseconds)
{
    return static_cast<double>(nanoseconds) / 1000.0;
}

std::string_view name_of(protocol::Framing framing)
{
    return framing == protocol::Framing::raw ? "raw" : "line";
}

// "closed loop, 1 in flight per connection" or "open loop at 5000/s, ...";
// with --reconnect, "closed loop, 3 names per session".
std::string load_of(const RunSummary& summary)
{
    const auto in_flight = summary.reconnect
                               ? fmt::format("{} names per session", summary.names)
                               : fmt::format("{} in flight per connection", summary.pipeline);
    if (!summary.rate) {
        return fmt::format("closed loop, {}", in_flight);
    }
    return fmt::format("open loop at {}/s, {}, {} unsent", *summary.rate, in_flight,
                       summary.unsent);
}

}  // namespace

ErrorCounts& ErrorCounts::operator+=(const ErrorCounts& other)
{
    connect += other.connect;
    timeout += other.timeout;
    closed += other.closed;
    mismatch += other.mismatch;
    return *this;
}

double RunSummary::replies_per_second() const
{
    const auto duration = seconds(elapsed);
    return duration > 0 ? static_cast<double>(replies) / duration : 0.0;
}

double RunSummary::sessions_per_second() const
{
    const auto duration = seconds(elapsed);
    return duration > 0 ? static_cast<double>(sessions) / duration : 0.0;
}

std::string format_table(const RunSummary& summary)
{
    const auto& latency = summary.latency;
    std::string out;
    auto row = [&out](std::string_view label, std::string_view value) {
        fmt::format_to(std::back_inserter(out), "{:<16} {}\n", label, value);
    };
    const auto threads = fmt::format("{} framing, {} thread{}", name_of(summary.framing),
                                     summary.threads, summary.threads == 1 ? "" : "s");
    if (summary.reconnect) {
        const auto& connect = summary.connect_latency;
        row("connections",
            fmt::format("{} at a time, reconnecting; {} greeted ({})", summary.connections_wanted,
                        summary.connections_made, threads));
        row("load", load_of(summary));
        row("sessions", fmt::format("{} in {:.3f}s", summary.sessions, seconds(summary.elapsed)));
        row("sessions/s", fmt::format("{:.0f}", summary.sessions_per_second()));
        row("replies", fmt::format("{} ({:.0f}/s)", summary.replies, summary.replies_per_second()));
        const auto at = [&connect](double percent) {
            return format_latency(static_cast<double>(connect.percentile(percent)));
        };
        row("connect", fmt::format("mean {}  p50 {}  p90 {}  p99 {}  max {}",
                                   format_latency(connect.mean()), at(50), at(90), at(99),
                                   format_latency(static_cast<double>(connect.max()))));
    } else {
        row("connections", fmt::format("{} of {} ({})", summary.connections_made,
                                       summary.connections_wanted, threads));
        row("load", load_of(summary));
        row("replies", fmt::format("{} in {:.3f}s", summary.replies, seconds(summary.elapsed)));
        row("replies/s", fmt::format("{:.0f}", summary.replies_per_second()));
    }
    const auto at = [&latency](double percent) {
        return format_latency(static_cast<double>(latency.percentile(percent)));
    };
    row(summary.reconnect ? "session" : "latency",
        fmt::format("mean {}  p50 {}  p90 {}  p99 {}", format_latency(latency.mean()), at(50),
                    at(90), at(99)));
    row("", fmt::format("p99.9 {}  p99.99 {}  max {}", at(99.9), at(99.99),
                        format_latency(static_cast<double>(latency.max()))));
    const auto& errors = summary.errors;
    row("errors", fmt::format("{} (connect {}, timeout {}, closed {}, mismatch {})", errors.total(),
                              errors.connect, errors.timeout, errors.closed, errors.mismatch));
    return out;
}

std::string format_json(const RunSummary& summary)
{
    const auto& latency = summary.latency;
    const auto& errors = summary.errors;
    std::string reconnect;
    if (summary.reconnect) {
        const auto& connect = summary.connect_latency;
        reconnect = fmt::format(
            R"("reconnect":{{"names":{},"sessions":{},"sessions_per_s":{:.1f},)"
            R"("connect_us":{{"count":{},"p50":{:.1f},"p90":{:.1f},"p99":{:.1f},"p99.9":{:.1f},)"
            R"("max":{:.1f},"mean":{:.1f}}}}},)",
            summary.names, summary.sessions, summary.sessions_per_second(), connect.count(),
            microseconds(connect.percentile(50)), microseconds(connect.percentile(90)),
            microseconds(connect.percentile(99)), microseconds(connect.percentile(99.9)),
            microseconds(connect.max()), connect.mean() / 1000.0);
    }
    std::string per_thread;
    for (const auto& share : summary.per_thread) {
        fmt::format_to(std::back_inserter(per_thread),
                       "{}{{\"connections\":{},\"rate\":{:.3f},\"replies\":{}}}",
                       per_thread.empty() ? "" : ",", share.connections, share.rate, share.replies);
    }
    return fmt::format(
        R"({{"connections":{{"wanted":{},"made":{}}},"framing":"{}","threads":{},)"
        R"("mode":"{}","rate":{},"pipeline":{},"unsent":{},)"
        R"("replies":{},"elapsed_s":{:.6f},"started_monotonic_s":{:.6f},"replies_per_s":{:.1f},)"
        R"("latency_us":{{"count":{},"p50":{:.1f},"p90":{:.1f},"p99":{:.1f},"p99.9":{:.1f},)"
        R"("p99.99":{:.1f},"max":{:.1f},"mean":{:.1f}}},{})"
        R"("errors":{{"total":{},"connect":{},"timeout":{},"closed":{},"mismatch":{}}},)"
        R"("per_thread":[{}]}})"
        "\n",
        summary.connections_wanted, summary.connections_made, name_of(summary.framing),
        summary.threads, summary.rate ? "open" : "closed",
        summary.rate ? std::to_string(*summary.rate) : "null", summary.pipeline, summary.unsent,
        summary.replies, seconds(summary.elapsed), seconds(summary.started),
        summary.replies_per_second(), latency.count(), microseconds(latency.percentile(50)),
        microseconds(latency.percentile(90)), microseconds(latency.percentile(99)),
        microseconds(latency.percentile(99.9)), microseconds(latency.percentile(99.99)),
        microseconds(latency.max()), latency.mean() / 1000.0, reconnect, errors.total(),
        errors.connect, errors.timeout, errors.closed, errors.mismatch, per_thread);
}

std::string format_latency(double nanoseconds)
{
    struct Unit {
        std::string_view name;
        double nanoseconds;
    };
    constexpr Unit units[] = {{"s", 1e9}, {"ms", 1e6}, {"us", 1e3}};
    for (const auto& unit : units) {
        const auto value = nanoseconds / unit.nanoseconds;
        if (value >= 1 || unit.name == "us") {
            const int decimals = value >= 100 ? 1 : value >= 10 ? 2 : 3;
            return fmt::format("{:.{}f}{}", value, unit.name == "us" ? 1 : decimals, unit.name);
        }
    }
    return {};
}

std::string format_progress(const Progress& progress)
{
    if (!progress.running) {
        return fmt::format("connecting {}/{}  {} errors", progress.connected, progress.wanted,
                           progress.errors);
    }
    std::string out =
        fmt::format("{:.1f}s  {} {}  {:.0f}/s", seconds(progress.elapsed), progress.replies,
                    progress.reconnect ? "sessions" : "replies", progress.recent_rate);
    auto line = std::back_inserter(out);
    if (progress.rate) {
        fmt::format_to(line, " (asked {}/s)", *progress.rate);
    }
    if (progress.recent_p99) {
        fmt::format_to(line, "  p99 {}", format_latency(static_cast<double>(*progress.recent_p99)));
    }
    fmt::format_to(line, "  {} errors", progress.errors);
    return out;
}

}  // namespace hello::loadgen
