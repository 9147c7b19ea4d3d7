#include "ops/metrics_text.hpp"

#include <doctest/doctest.h>

TEST_SUITE_BEGIN("metrics_text");

using namespace hello::ops;
using hello::protocol::Refusal;

TEST_CASE("every metric with its HELP and TYPE lines, in the 0.0.4 text format")
{
    CountersSnapshot counters;
    counters.connections_open = 3;
    counters.accepted = 12;
    counters.rejected[static_cast<std::size_t>(Refusal::busy)] = 2;
    counters.accept_errors = 1;
    counters.messages = 40;
    counters.received_bytes = 400;
    counters.sent_bytes = 560;
    counters.closed[static_cast<std::size_t>(CloseReason::exit)] = 5;
    counters.closed[static_cast<std::size_t>(CloseReason::idle)] = 4;
    const ProcessStats process{
        .cpu_seconds = 0.25,
        .resident_memory_bytes = 4'194'304,
        .open_fds = 9,
        .max_fds = 20000,
        .start_time_seconds = 1764091234.5,
    };
    CHECK(
        render_metrics(counters, process) ==
        "# HELP hello_connections Client connections open now.\n"
        "# TYPE hello_connections gauge\n"
        "hello_connections 3\n"
        "# HELP hello_connections_accepted_total Client connections accepted (and served) since the server started.\n"
        "# TYPE hello_connections_accepted_total counter\n"
        "hello_connections_accepted_total 12\n"
        "# HELP hello_connections_rejected_total Client connections turned away, by reason (busy: past --max-connections, per_ip: past --max-connections-per-ip).\n"
        "# TYPE hello_connections_rejected_total counter\n"
        "hello_connections_rejected_total{reason=\"busy\"} 2\n"
        "hello_connections_rejected_total{reason=\"per_ip\"} 0\n"
        "# HELP hello_connections_closed_total Client connections closed, by the reason the log gives.\n"
        "# TYPE hello_connections_closed_total counter\n"
        "hello_connections_closed_total{reason=\"exit\"} 5\n"
        "hello_connections_closed_total{reason=\"eof\"} 0\n"
        "hello_connections_closed_total{reason=\"reset\"} 0\n"
        "hello_connections_closed_total{reason=\"too_long\"} 0\n"
        "hello_connections_closed_total{reason=\"idle\"} 4\n"
        "hello_connections_closed_total{reason=\"shutdown\"} 0\n"
        "hello_connections_closed_total{reason=\"failed\"} 0\n"
        "hello_connections_closed_total{reason=\"proxy_header\"} 0\n"
        "# HELP hello_messages_total Messages received and answered.\n"
        "# TYPE hello_messages_total counter\n"
        "hello_messages_total 40\n"
        "# HELP hello_received_bytes_total Bytes received from clients.\n"
        "# TYPE hello_received_bytes_total counter\n"
        "hello_received_bytes_total 400\n"
        "# HELP hello_sent_bytes_total Bytes sent to clients.\n"
        "# TYPE hello_sent_bytes_total counter\n"
        "hello_sent_bytes_total 560\n"
        "# HELP hello_accept_errors_total Failed accepts (out of descriptors, memory, or a connection reset before it was taken).\n"
        "# TYPE hello_accept_errors_total counter\n"
        "hello_accept_errors_total 1\n"
        "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
        "# TYPE process_cpu_seconds_total counter\n"
        "process_cpu_seconds_total 0.25\n"
        "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
        "# TYPE process_resident_memory_bytes gauge\n"
        "process_resident_memory_bytes 4194304\n"
        "# HELP process_open_fds Number of open file descriptors.\n"
        "# TYPE process_open_fds gauge\n"
        "process_open_fds 9\n"
        "# HELP process_max_fds Maximum number of open file descriptors.\n"
        "# TYPE process_max_fds gauge\n"
        "process_max_fds 20000\n"
        "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
        "# TYPE process_start_time_seconds gauge\n"
        "process_start_time_seconds 1764091234.5\n");
}

TEST_CASE("large counters print in full, not in exponent notation")
{
    CountersSnapshot counters;
    counters.sent_bytes = 18'446'744'073'709'551'615ULL;
    const auto text = render_metrics(counters, {});
    CHECK(text.find("\nhello_sent_bytes_total 18446744073709551615\n") != std::string::npos);
    CHECK(text.find("\nprocess_cpu_seconds_total 0\n") != std::string::npos);
}

TEST_SUITE_END();
