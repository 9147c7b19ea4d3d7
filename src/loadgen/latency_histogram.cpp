#include "loadgen/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace hello::loadgen {
namespace {

constexpr unsigned half_bits = 7;  // 128 counters per power of two
constexpr std::uint64_t half_count = std::uint64_t{1} << half_bits;
constexpr std::uint64_t exact_below = 2 * half_count;

static_assert(LatencyHistogram::sub_bucket_count == exact_below);
static_assert(LatencyHistogram::counter_of(exact_below) == exact_below);
static_assert(LatencyHistogram::counter_count == (64 - half_bits + 1) * half_count);

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(counter_count, 0) {}

LatencyHistogram LatencyHistogram::from_counts(const std::vector<std::uint64_t>& counts)
{
    LatencyHistogram histogram;
    for (std::size_t counter = 0; counter < counts.size() && counter < counter_count; ++counter) {
        const auto count = counts[counter];
        if (count == 0) {
            continue;
        }
        histogram.counts_[counter] = count;
        histogram.count_ += count;
        histogram.max_ = highest_in(counter);
        histogram.sum_ += static_cast<long double>(count) * histogram.max_;
    }
    return histogram;
}

std::uint64_t LatencyHistogram::lowest_in(std::size_t counter)
{
    if (counter < exact_below) {
        return counter;
    }
    const auto shift = counter / half_count - 1;
    const auto top_bits = counter % half_count + half_count;
    return std::uint64_t{top_bits} << shift;
}

std::uint64_t LatencyHistogram::highest_in(std::size_t counter)
{
    if (counter < exact_below) {
        return counter;
    }
    const auto shift = counter / half_count - 1;
    return lowest_in(counter) + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::merge(const LatencyHistogram& other)
{
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        counts_[i] += other.counts_[i];
    }
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
    sum_ += other.sum_;
}

double LatencyHistogram::mean() const
{
    return count_ == 0 ? 0.0 : static_cast<double>(sum_ / count_);
}

double LatencyHistogram::standard_deviation() const
{
    if (count_ == 0) {
        return 0.0;
    }
    const long double mean = sum_ / count_;
    long double squares = 0;
    for (std::size_t counter = 0; counter < counts_.size(); ++counter) {
        if (counts_[counter] == 0) {
            continue;
        }
        const auto low = static_cast<long double>(lowest_in(counter));
        const auto middle = low + (static_cast<long double>(highest_in(counter)) - low) / 2;
        squares += counts_[counter] * (middle - mean) * (middle - mean);
    }
    return static_cast<double>(std::sqrt(squares / count_));
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
    for (std::size_t counter = 0; counter < counts_.size(); ++counter) {
        seen += counts_[counter];
        if (seen >= rank) {
            return std::min(highest_in(counter), max_);
        }
    }
    return max_;
}

}  // namespace hello::loadgen
