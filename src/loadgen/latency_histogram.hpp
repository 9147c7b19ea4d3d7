#pragma once
// Latencies of millions of replies in constant memory: HdrHistogram's layout
// with two significant digits. Values below 256 are kept exactly; above, each
// power of two is split into 128 buckets, so a value is known to within 1/128
// (0.8%) of itself, from 1 ns to the end of the 64-bit range (1 us to 1 min
// and far beyond) in 7,424 counters. Recording is an index computation and an
// increment, cheap enough for every reply; merging adds the counters, so the
// merge of several threads' histograms is exactly the histogram of all their
// values.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace hello::loadgen {

class LatencyHistogram {
public:
    // HdrHistogram's names for the layout (its "Buckets" and "SubBuckets").
    static constexpr std::size_t sub_bucket_count = 256;
    static constexpr std::size_t bucket_count = 57;
    static constexpr std::size_t counter_count = (bucket_count + 1) * sub_bucket_count / 2;

    LatencyHistogram();
    // A histogram of `counts` (one per counter, as counter_of() numbers
    // them); the values are each counter's highest, so mean() is an
    // estimate.
    static LatencyHistogram from_counts(const std::vector<std::uint64_t>& counts);

    // The counter a value lands in, and the range of values it stands for.
    // Values [0, 256) have one each; from 256 on, a value keeps its top 8
    // bits, and the position of its highest bit picks the group of 128.
    static constexpr std::size_t counter_of(std::uint64_t value)
    {
        if (value < sub_bucket_count) {
            return static_cast<std::size_t>(value);
        }
        const unsigned shift = static_cast<unsigned>(std::bit_width(value)) - 8;
        return static_cast<std::size_t>((shift + 1) * (sub_bucket_count / 2) + (value >> shift) -
                                        sub_bucket_count / 2);
    }
    static std::uint64_t lowest_in(std::size_t counter);
    static std::uint64_t highest_in(std::size_t counter);

    // Inline: it runs for every reply.
    void record(std::uint64_t nanoseconds)
    {
        ++counts_[counter_of(nanoseconds)];
        ++count_;
        max_ = std::max(max_, nanoseconds);
        sum_ += nanoseconds;
    }
    void merge(const LatencyHistogram& other);

    std::uint64_t count() const { return count_; }
    std::uint64_t max() const { return max_; }
    double mean() const;
    // From each counter's middle value, as HdrHistogram computes it.
    double standard_deviation() const;
    // The smallest recorded value that at least `percent`% of the values do
    // not exceed, to within the bucket width (and never above max()); 0 when
    // nothing was recorded. HdrHistogram's "highest equivalent value": an
    // upper bound, as a latency should be.
    std::uint64_t percentile(double percent) const;
    const std::vector<std::uint64_t>& counts() const { return counts_; }

private:
    std::vector<std::uint64_t> counts_;
    std::uint64_t count_ = 0;
    std::uint64_t max_ = 0;
    long double sum_ = 0;
};

}  // namespace hello::loadgen
