#pragma once
// Latencies of millions of replies in a few kilobytes: a log-linear histogram
// (the idea of HdrHistogram). Values below 256 are kept exactly; above, each
// power of two is split into 128 buckets, so a percentile is off by less than
// 1% of its value. Recording is an index computation and an increment: cheap
// enough to do for every reply without disturbing what it measures.

#include <cstdint>
#include <vector>

namespace hello::bench {

class LatencyHistogram {
public:
    LatencyHistogram();

    void record(std::uint64_t nanoseconds);
    void merge(const LatencyHistogram& other);

    std::uint64_t count() const { return count_; }
    std::uint64_t max() const { return max_; }
    double mean() const;
    // The smallest recorded value that at least `percent`% of the values do
    // not exceed, to within the bucket width (and never above max()); 0 when
    // nothing was recorded.
    std::uint64_t percentile(double percent) const;

private:
    std::vector<std::uint64_t> buckets_;
    std::uint64_t count_ = 0;
    std::uint64_t max_ = 0;
    long double sum_ = 0;
};

}  // namespace hello::bench
