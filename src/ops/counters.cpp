#include "ops/counters.hpp"

namespace hello::ops {

CountersSnapshot sum_counters(std::span<const WorkerCounters> workers)
{
    CountersSnapshot total;
    for (const auto& worker : workers) {
        total.accepted += worker.accepted.read();
        for (std::size_t i = 0; i < refusal_count; ++i) {
            total.rejected[i] += worker.rejected[i].read();
        }
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

std::uint64_t CountersSnapshot::rejected_total() const
{
    std::uint64_t sum = 0;
    for (auto each : rejected) {
        sum += each;
    }
    return sum;
}

}  // namespace hello::ops
