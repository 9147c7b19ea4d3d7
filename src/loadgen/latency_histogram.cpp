#include "loadgen/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace hello::bench {
namespace {

constexpr unsigned sub_bucket_bits = 7;
constexpr std::uint64_t sub_buckets = std::uint64_t{1} << sub_bucket_bits;  // per power of two
constexpr std::uint64_t exact_below = 2 * sub_buckets;
constexpr unsigned value_bits = 64;
constexpr std::size_t bucket_count = (value_bits - sub_bucket_bits + 1) * sub_buckets;

// Values [0, 256) map to themselves; from 256 on, a value keeps its top 8
// bits, and the position of its highest bit picks the group of 128 buckets.
std::size_t bucket_of(std::uint64_t value)
{
    if (value < exact_below) {
        return static_cast<std::size_t>(value);
    }
    const unsigned shift = static_cast<unsigned>(std::bit_width(value)) - (sub_bucket_bits + 1);
    return static_cast<std::size_t>((shift + 1) * sub_buckets + (value >> shift) - sub_buckets);
}

// The largest value that lands in `bucket`.
std::uint64_t highest_in(std::size_t bucket)
{
    if (bucket < exact_below) {
        return bucket;
    }
    const auto shift = bucket / sub_buckets - 1;
    const auto top_bits = bucket % sub_buckets + sub_buckets;
    const auto lowest = std::uint64_t{top_bits} << shift;
    return lowest + ((std::uint64_t{1} << shift) - 1);
}

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(bucket_count, 0) {}

void LatencyHistogram::record(std::uint64_t nanoseconds)
{
    ++buckets_[bucket_of(nanoseconds)];
    ++count_;
    max_ = std::max(max_, nanoseconds);
    sum_ += nanoseconds;
}

void LatencyHistogram::merge(const LatencyHistogram& other)
{
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        buckets_[i] += other.buckets_[i];
    }
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
    sum_ += other.sum_;
}

double LatencyHistogram::mean() const
{
    return count_ == 0 ? 0.0 : static_cast<double>(sum_ / count_);
}

std::uint64_t LatencyHistogram::percentile(double percent) const
{
    if (count_ == 0) {
        return 0;
    }
    const auto wanted = std::clamp(percent, 0.0, 100.0) / 100.0 * static_cast<double>(count_);
    // 99.9% of 1000 is 999.0000000000001 in doubles; it means rank 999.
    const auto rank =
        std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(wanted * (1 - 1e-12))));
    std::uint64_t seen = 0;
    for (std::size_t bucket = 0; bucket < buckets_.size(); ++bucket) {
        seen += buckets_[bucket];
        if (seen >= rank) {
            return std::min(highest_in(bucket), max_);
        }
    }
    return max_;
}

}  // namespace hello::bench
