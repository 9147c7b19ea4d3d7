#include "server/counters.hpp"

namespace hello::server {

std::string_view close_reason_label(CloseReason reason)
{
    switch (reason) {
    case CloseReason::exit: return "exit";
    case CloseReason::end_of_stream: return "eof";
    case CloseReason::client_gone: return "reset";
    case CloseReason::too_long: return "too_long";
    case CloseReason::idle: return "idle";
    case CloseReason::shutdown: return "shutdown";
    case CloseReason::failed: return "failed";
    case CloseReason::proxy_header: return "proxy_header";
    }
    return "unknown";
}

CountersSnapshot sum_counters(std::span<const WorkerCounters> workers)
{
    CountersSnapshot total;
    for (const auto& worker : workers) {
        total.connections_open += worker.connections_open.read();
        total.accepted += worker.accepted.read();
        total.rejected_busy += worker.rejected_busy.read();
        total.accept_errors += worker.accept_errors.read();
        total.messages += worker.messages.read();
        total.received_bytes += worker.received_bytes.read();
        total.sent_bytes += worker.sent_bytes.read();
        for (std::size_t i = 0; i < close_reason_count; ++i) {
            total.closed[i] += worker.closed[i].read();
        }
    }
    return total;
}

}  // namespace hello::server
