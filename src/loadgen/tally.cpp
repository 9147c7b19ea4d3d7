#include "loadgen/tally.hpp"

#include <utility>

namespace hello::loadgen {
namespace {

constexpr std::size_t max_error_samples = 3;

}  // namespace

Tally::Tally(bool live_latency) : live_latency_(live_latency ? LatencyHistogram::counter_count : 0)
{
}

void Tally::record_error(ErrorKind kind, std::string sample)
{
    switch (kind) {
    case ErrorKind::connect: ++errors_.connect; break;
    case ErrorKind::timeout: ++errors_.timeout; break;
    case ErrorKind::closed: ++errors_.closed; break;
    case ErrorKind::mismatch: ++errors_.mismatch; break;
    }
    error_count_.fetch_add(1, std::memory_order_relaxed);
    if (error_samples_.size() < max_error_samples) {
        error_samples_.push_back(std::move(sample));
    }
}

void Tally::begin_window(Clock::time_point start)
{
    started_ = start;
    conversing_.store(true, std::memory_order_relaxed);
}

void Tally::add_live_latency(std::vector<std::uint64_t>& totals) const
{
    totals.resize(LatencyHistogram::counter_count);
    for (std::size_t i = 0; i < live_latency_.size(); ++i) {
        totals[i] += live_latency_[i].load(std::memory_order_relaxed);
    }
}

}  // namespace hello::loadgen
