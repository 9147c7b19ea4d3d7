#include "ops/metrics_text.hpp"

#include <fmt/format.h>

#include <iterator>

namespace hello::ops {
namespace {

using Out = std::back_insert_iterator<std::string>;

void header(Out out, std::string_view name, std::string_view type, std::string_view help)
{
    fmt::format_to(out, "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// One sample with no labels. Doubles print in the shortest form that reads
// back exactly (fmt's "{}"), which Prometheus parses like Go's ParseFloat.
template <typename Number>
void metric(Out out, std::string_view name, std::string_view type, std::string_view help,
            Number value)
{
    header(out, name, type, help);
    fmt::format_to(out, "{} {}\n", name, value);
}

}  // namespace

std::string render_metrics(const CountersSnapshot& counters, const ProcessStats& process)
{
    std::string text;
    auto out = std::back_inserter(text);
    metric(out, "hello_connections", "gauge", "Client connections open now.",
           counters.connections_open);
    metric(out, "hello_connections_accepted_total", "counter",
           "Client connections accepted (and served) since the server started.", counters.accepted);

    std::string limits;
    for (const auto& each : protocol::refusals) {
        fmt::format_to(std::back_inserter(limits), "{}{}: past {}", limits.empty() ? "" : ", ",
                       each.label, each.option);
    }
    header(out, "hello_connections_rejected_total", "counter",
           fmt::format("Client connections turned away, by reason ({}).", limits));
    for (const auto& each : protocol::refusals) {
        fmt::format_to(out, "hello_connections_rejected_total{{reason=\"{}\"}} {}\n", each.label,
                       counters.rejected_for(each.refusal));
    }

    header(out, "hello_connections_closed_total", "counter",
           "Client connections closed, by the reason the log gives.");
    for (const auto& each : protocol::close_reasons) {
        fmt::format_to(out, "hello_connections_closed_total{{reason=\"{}\"}} {}\n", each.label,
                       counters.closed_for(each.reason));
    }

    metric(out, "hello_messages_total", "counter", "Messages received and answered.",
           counters.messages);
    metric(out, "hello_received_bytes_total", "counter", "Bytes received from clients.",
           counters.received_bytes);
    metric(out, "hello_sent_bytes_total", "counter", "Bytes sent to clients.", counters.sent_bytes);
    metric(
        out, "hello_accept_errors_total", "counter",
        "Failed accepts (out of descriptors, memory, or a connection reset before it was taken).",
        counters.accept_errors);

    metric(out, "process_cpu_seconds_total", "counter",
           "Total user and system CPU time spent in seconds.", process.cpu_seconds);
    metric(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
           process.resident_memory_bytes);
    metric(out, "process_open_fds", "gauge", "Number of open file descriptors.", process.open_fds);
    metric(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
           process.max_fds);
    metric(out, "process_start_time_seconds", "gauge",
           "Start time of the process since unix epoch in seconds.", process.start_time_seconds);
    return text;
}

}  // namespace hello::ops
