#include "loadgen/run_summary.hpp"

#include <fmt/format.h>

#include <iterator>

namespace hello::bench {
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

std::string format_table(const RunSummary& summary)
{
    const auto& latency = summary.latency;
    std::string out;
    auto row = [&out](std::string_view label, std::string_view value) {
        fmt::format_to(std::back_inserter(out), "{:<16} {}\n", label, value);
    };
    row("connections", fmt::format("{} of {} ({} framing, {} thread{})", summary.connections_made,
                                   summary.connections_wanted, name_of(summary.framing),
                                   summary.threads, summary.threads == 1 ? "" : "s"));
    row("replies", fmt::format("{} in {:.3f}s", summary.replies, seconds(summary.elapsed)));
    row("replies/s", fmt::format("{:.0f}", summary.replies_per_second()));
    row("latency",
        fmt::format("p50 {:.1f}us  p90 {:.1f}us  p99 {:.1f}us  max {:.1f}us",
                    microseconds(latency.percentile(50)), microseconds(latency.percentile(90)),
                    microseconds(latency.percentile(99)), microseconds(latency.max())));
    const auto& errors = summary.errors;
    row("errors", fmt::format("{} (connect {}, timeout {}, closed {}, mismatch {})", errors.total(),
                              errors.connect, errors.timeout, errors.closed, errors.mismatch));
    return out;
}

std::string format_json(const RunSummary& summary)
{
    const auto& latency = summary.latency;
    const auto& errors = summary.errors;
    return fmt::format(
        R"({{"connections":{{"wanted":{},"made":{}}},"framing":"{}","threads":{},)"
        R"("replies":{},"elapsed_s":{:.6f},"started_monotonic_s":{:.6f},"replies_per_s":{:.1f},)"
        R"("latency_us":{{"p50":{:.1f},"p90":{:.1f},"p99":{:.1f},"max":{:.1f},"mean":{:.1f}}},)"
        R"("errors":{{"total":{},"connect":{},"timeout":{},"closed":{},"mismatch":{}}}}})"
        "\n",
        summary.connections_wanted, summary.connections_made, name_of(summary.framing),
        summary.threads, summary.replies, seconds(summary.elapsed), seconds(summary.started),
        summary.replies_per_second(), microseconds(latency.percentile(50)),
        microseconds(latency.percentile(90)), microseconds(latency.percentile(99)),
        microseconds(latency.max()), latency.mean() / 1000.0, errors.total(), errors.connect,
        errors.timeout, errors.closed, errors.mismatch);
}

std::string format_progress(std::size_t connected, std::size_t wanted, bool running,
                            std::uint64_t replies, std::uint64_t errors,
                            std::chrono::nanoseconds elapsed)
{
    if (!running) {
        return fmt::format("connecting {}/{}  {} errors", connected, wanted, errors);
    }
    const auto duration = seconds(elapsed);
    const auto rate = duration > 0 ? static_cast<double>(replies) / duration : 0.0;
    return fmt::format("{:.1f}s  {} replies  {:.0f}/s  {} errors", duration, replies, rate, errors);
}

}  // namespace hello::bench
